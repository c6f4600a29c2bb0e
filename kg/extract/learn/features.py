"""Features of entity candidates and relation instances: named functions in two tables.

Every feature reads the analysed sentence — types, rule sources, head words,
trigger words from the ontology and the lexicon, punctuation, distances,
order, positions in the article — never a name: a feature that read a name
from the training data would memorise it. Features that spell out nearby
characters or the text between two mentions are filtered at training time to
those seen in several training documents (:data:`MIN_FEATURE_DOCS`).

Changing what a feature computes changes :data:`FEATURE_VERSION`; models
trained with another version refuse to load.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache, partial

from kg.extract.learn.help_features import help_features
from kg.extract.learn.instances import BODY, DocView, EntityCandidate, Mention, RelationInstance
from kg.extract.lexicon import lexicon
from kg.extract.regions import lookup, region_prefix
from kg.ontology import load_ontology

__all__ = ["ENTITY_FEATURES", "FEATURE_VERSION", "MIN_FEATURE_DOCS", "RELATION_FEATURES",
           "entity_features", "relation_features", "relation_row"]

#: bump when a feature function changes what it computes
FEATURE_VERSION = 10
#: a feature whose name spells out text is kept only when this many training documents have it
MIN_FEATURE_DOCS = 3

Feats = Iterable[tuple[str, float]]
_CLAUSE_END = "，,；;：:。！？"
_OPEN = "“\"「《"
_CLOSE = "”\"」》"

# Words that cue a relation, beside the ontology's triggers and the lexicon's titles.
_CUES = (
    "为", "向", "给", "对", "在", "与", "和", "及", "同", "联合", "携手", "共同", "慰问", "看望", "走访", "调研", "考察",
    "视察", "带队", "陪同", "一行", "来到", "走进", "深入", "参加", "出席", "授予", "表彰", "命名", "评为", "获得",
    "荣获", "获评", "入选", "领衔", "领头人", "带头人", "牵头", "下属", "所属", "旗下", "隶属", "成立", "挂牌", "揭牌",
    "建成", "设立", "组建", "开展", "举办", "启动", "主办", "承办", "协办", "支持", "指导", "发放", "送去", "送上",
    "赠送", "捐赠", "帮扶", "帮助", "救助", "资助", "关爱", "服务", "提供", "惠及", "覆盖", "解决", "职工", "工会",
    "表示", "说", "介绍", "指出", "称号", "荣誉", "名单", "先进", "集体", "个人", "劳动", "奖章", "奖状", "模范",
    "示范", "工匠", "劳模", "部门", "下设", "内设", "分会", "分工会", "等", "的", "了", "将", "已", "先后", "分别",
    "代表", "把", "被", "由", "从", "到", "至", "于", "其", "该", "所在",
)


@lru_cache(maxsize=1)
def _cue_automaton():
    import ahocorasick  # lazy: only the learned extractor needs it

    words = set(_CUES) | set(lexicon().titles)
    for pred in load_ontology().predicates.values():
        words |= set(pred.triggers)
    auto = ahocorasick.Automaton()
    for w in words:
        auto.add_word(w, w)
    auto.make_automaton()
    return auto


def cues(text: str) -> set[str]:
    """The cue words that occur in *text* (overlapping matches included).

    >>> sorted(cues("联合开展"))
    ['开展', '联合']
    """
    return {w for _, w in _cue_automaton().iter(text)} if text else set()


@lru_cache(maxsize=1)
def _heads() -> tuple[frozenset[str], tuple[int, ...]]:  # the lexicon's heads, their lengths longest first
    heads = frozenset(h for h, _ in lexicon().heads if h)
    return heads, tuple(sorted({len(h) for h in heads}, reverse=True))


@lru_cache(maxsize=4096)
def head_of(name: str) -> str:
    """The longest lexicon head *name* ends with ('' when none): one look-up per head length.

    >>> head_of("甲乙有限公司"), head_of("甲乙")
    ('有限公司', '')
    """
    heads, sizes = _heads()
    return next((name[-n:] for n in sizes if n <= len(name) and name[-n:] in heads), "")


# --------------------------------------------------------------------------- entities


def _e_type(v: DocView, e: EntityCandidate) -> Feats:
    yield "type=" + e.type, 1


def _e_sources(v: DocView, e: EntityCandidate) -> Feats:
    for rule in sorted({r for m in e.mentions for r in m.rules}):
        yield "rule=" + rule, 1
        yield f"{e.type}|rule={rule}", 1
    yield "kept", float(any(m.kept for m in e.mentions))
    yield "inside_all", float(all(m.inside for m in e.mentions))
    yield "inside_any", float(any(m.inside for m in e.mentions))
    yield "context", float(any(m.context for m in e.mentions))
    yield "alias", float(any(m.cand.extra.get("alias") for m in e.mentions))


def _e_rules(v: DocView, e: EntityCandidate) -> Feats:
    yield "rule_entity", float((e.type, e.name) in v.rule_entities)
    for role, p in sorted(v.rule_roles.get((e.type, e.name), ())):
        yield f"{role}:{p}", 1
        yield "in_rule_triple", 1


def _e_counts(v: DocView, e: EntityCandidate) -> Feats:
    first = min(e.mentions, key=lambda m: m.start)
    yield "n_mentions", len(e.mentions)
    yield "n_sentences", len({m.sent for m in e.mentions})
    yield "first_sentence", min(first.sent, 10)
    yield "first_sentence_rel", first.sent / max(1, len(v.a.sentences))
    yield "in_title", float(first.start < v.title_end)


def _e_shape(v: DocView, e: EntityCandidate) -> Feats:
    name = e.name
    first = min(e.mentions, key=lambda m: m.start)
    yield "len", len(name)
    yield "surface_len", len(first.surface)
    yield "renamed", float(name != first.surface)
    head = head_of(name) or "none"
    yield "head=" + head, 1
    yield f"{e.type}|head={head}", 1
    yield "last1=" + name[-1:], 1
    yield f"{e.type}|last1={name[-1:]}", 1
    yield "last2=" + name[-2:], 1
    yield "region_prefix", float(region_prefix(name)[2] is not None)
    yield "division", float(bool(lookup(name)))
    yield "level_char", float(name[:1] in "省市区县")
    yield "digit", float(bool(re.search(r"\d", name)))
    yield "latin", float(bool(re.search(r"[A-Za-z]", name)))


def _e_context(v: DocView, e: EntityCandidate) -> Feats:
    text = v.a.ct.text
    quoted = 0.0
    for m in e.mentions[:3]:
        left = text[max(0, m.start - 2) : m.start]
        right = text[m.end : m.end + 2]
        if left[-1:] in _OPEN or right[:1] in _CLOSE:
            quoted = 1.0
        yield "l1=" + left[-1:], 1
        yield "r1=" + right[:1], 1
        yield "l2=" + left, 1
        yield "r2=" + right, 1
    yield "quoted", quoted


def _e_cues(v: DocView, e: EntityCandidate) -> Feats:
    """The cue words just before and after a mention (开展…活动, …行动启动): what runs or names it."""
    text = v.a.ct.text
    seen: set[str] = set()
    for m in e.mentions[:3]:
        sent = v.a.sentences[m.sent]
        seen |= {"lcue=" + w for w in cues(text[max(sent.start, m.start - 6) : m.start])}
        seen |= {"rcue=" + w for w in cues(text[m.end : min(sent.end, m.end + 4)])}
    for k in sorted(seen):
        yield f"{e.type}|{k}", 1


def _e_person(v: DocView, e: EntityCandidate) -> Feats:
    if e.type != "Person":
        return
    lex = lexicon()
    text = v.a.ct.text
    yield "surname", float(e.name[:1] in lex.surnames or e.name[:2] in lex.surnames)
    yield "staff_before", float(any(any(s in text[max(0, m.start - 6) : m.start] for s in lex.staff) for m in e.mentions))


def _e_group(v: DocView, e: EntityCandidate) -> Feats:
    if e.type == "Group":
        yield "group_lexicon", float(e.name in lexicon().groups)


#: entity features by name, in the order they are computed
ENTITY_FEATURES: dict[str, Callable[[DocView, EntityCandidate], Feats]] = {
    "type": _e_type,
    "sources": _e_sources,
    "rules": _e_rules,
    "counts": _e_counts,
    "shape": _e_shape,
    "context": _e_context,
    "cues": _e_cues,
    "person": _e_person,
    "group": _e_group,
}

# --------------------------------------------------------------------------- relations


def _clause_start(text: str, lo: int, pos: int) -> int:
    return max([text.rfind(c, lo, pos) for c in _CLAUSE_END] + [lo - 1]) + 1


def _r_kind(v: DocView, r: RelationInstance) -> Feats:
    p = r.p
    yield "p=" + p, 1
    yield f"{p}|st={r.s.type}", 1
    yield f"{p}|ot={r.o.type}", 1
    yield "s_virtual", float(r.s.virtual)
    yield p + "|s_virtual", float(r.s.virtual)
    yield "o_inside", float(r.o.inside)
    yield "o_context", float(r.o.context)
    yield "s_context", float(r.s.context)
    for rule in sorted(r.o.rules):
        yield f"{p}|orule={rule}", 1
    for rule in sorted(r.s.rules):
        yield f"{p}|srule={rule}", 1


def _r_pair(v: DocView, r: RelationInstance) -> Feats:
    """Where the two mentions stand to each other (explicit subjects only)."""
    if r.s.virtual:
        return
    key = ("pair", id(r.s), id(r.o))
    cached = v.memo.get(key)
    if cached is None:
        cached = v.memo[key] = _pair(v, r.s, r.o)
    plain, per_predicate = cached
    yield from plain
    p = r.p
    for name, value in per_predicate:
        yield p + name, value


@lru_cache(maxsize=1)
def _title_set() -> frozenset[str]:
    return frozenset(lexicon().titles)


def _sentence_mentions(v: DocView, si: int) -> tuple[list[Mention], list[Mention]]:
    """The mentions of sentence *si* not inside a longer name, and those of them that are bodies."""
    key = ("free", si)
    found = v.memo.get(key)
    if found is None:
        free = [m for m in v.by_sentence.get(si, ()) if not m.inside]
        found = v.memo[key] = (free, [m for m in free if m.type in BODY])
    return found


def _pair(v: DocView, s: Mention, o: Mention) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    text = v.a.ct.text
    plain: list[tuple[str, float]] = []
    per: list[tuple[str, float]] = []
    s_first = s.start <= o.start
    lo, hi = (s.end, o.start) if s_first else (o.end, s.start)
    between = text[lo:hi] if hi > lo else ""
    free, bodies = _sentence_mentions(v, o.sent)
    inner = [m for m in free if m.start >= lo and m.end <= hi]
    is_title = float(between in _title_set())
    sent = v.a.sentences[s.sent]
    lead = text[sent.start : s.start]
    contiguous = float(s.end == o.start or o.end == s.start)
    left = [m for m in bodies if m.end <= o.start and m is not o]
    plain += [
        ("same_sentence", float(s.sent == o.sent)),
        ("sentence_gap", abs(s.sent - o.sent)),
        ("s_first", float(s_first)),
        ("distance", hi - lo),
        ("adjacent", float(hi <= lo)),
        ("n_comma", sum(between.count(c) for c in "，,")),
        ("n_stop", sum(between.count(c) for c in "；;。")),
        ("n_dun", between.count("、")),
        ("n_between", len(inner)),
        ("n_between_bodies", sum(1 for m in inner if m.type in BODY)),
        ("between_title", is_title),
        ("s_inside", float(s.inside)),
        ("s_offset", s.start - sent.start),
        ("s_lead_len", len(lead)),
        ("s_lead_commas", sum(lead.count(c) for c in "，,")),
        ("o_in_s", float(o.inside and s.start <= o.start and o.end <= s.end)),
        ("s_in_o", float(s.inside and o.start <= s.start and s.end <= o.end)),
        ("contiguous", contiguous),
        ("s_first_body", float(bool(bodies) and bodies[0] is s)),
    ]
    per += [
        ("|s_first", float(s_first)),
        ("|between_is=" + (between if len(between) <= 6 else "LONG"), 1.0),
        ("|between_title_dir", (1.0 if s_first else -1.0) * is_title),
        ("|contiguous", contiguous),
        ("|s_nearest_body_left", float(bool(left) and left[-1] is s)),
    ]
    per += [("|between=" + w, 1.0) for w in sorted(cues(between))]
    return plain, per


def _r_virtual(v: DocView, r: RelationInstance) -> Feats:
    """What stands in the sentence when the subject is the article's body."""
    if not r.s.virtual:
        return
    o = r.o
    sent = v.a.sentences[o.sent]
    bodies = _sentence_mentions(v, o.sent)[1]
    yield "explicit_body_left_of_o", float(any(m.end <= o.start for m in bodies))
    yield "explicit_body_at_start", float(bool(bodies) and bodies[0].start - sent.start <= 12)


def _r_object_context(v: DocView, r: RelationInstance) -> Feats:
    key = ("object", id(r.o))
    cached = v.memo.get(key)
    if cached is None:
        cached = v.memo[key] = _object_context(v, r.o)
    plain, per_predicate = cached
    yield from plain
    p = r.p
    for name, value in per_predicate:
        yield p + name, value
    for w in _sentence_triggers(v, r.o.sent).get(p, ()):
        yield f"{p}|trigger={w}", 1.0


def _r_neighbours(v: DocView, r: RelationInstance) -> Feats:
    """What the rest of the article says: a visit under a help campaign (该公司 named in one sentence,
    慰问 in the one before, 送温暖 in the title) states its help away from the object's sentence."""
    key = ("neighbours", r.o.sent)
    cached = v.memo.get(key)
    if cached is None:
        cached = v.memo[key] = _neighbours(v, r.o.sent)
    p = r.p
    for name in cached.get(p, ()):
        yield p + name, 1.0


def _neighbours(v: DocView, si: int) -> dict[str, list[str]]:
    sentences = v.a.sentences
    art = sentences[si].article
    here = _sentence_triggers(v, si)
    out: dict[str, list[str]] = {}
    for p in here:
        out.setdefault(p, []).extend(f"|with={q}" for q in sorted(here) if q != p)
    if si > 0 and sentences[si - 1].article == art:
        for p, ws in _sentence_triggers(v, si - 1).items():
            out.setdefault(p, []).extend(f"|prev_trigger={w}" for w in ws)
    if si + 1 < len(sentences) and sentences[si + 1].article == art:
        for p, ws in _sentence_triggers(v, si + 1).items():
            out.setdefault(p, []).extend(f"|next_trigger={w}" for w in ws)
    first = v.memo.get(("article_first", art))
    if first is None:
        first = v.memo[("article_first", art)] = next(i for i, x in enumerate(sentences) if x.article == art)
    if first != si:
        for p, ws in _sentence_triggers(v, first).items():
            out.setdefault(p, []).extend(f"|title_trigger={w}" for w in ws)
    return out


def _sentence_triggers(v: DocView, si: int) -> dict[str, list[str]]:
    """Predicate → its trigger words (ontology) in sentence *si*."""
    key = ("triggers", si)
    found = v.memo.get(key)
    if found is None:
        sent = v.a.sentences[si]
        found = {}
        for _, w in _cue_automaton().iter(sent.text):
            for p in _trigger_predicates().get(w, ()):
                found.setdefault(p, []).append(w)
        found = v.memo[key] = {p: sorted(set(ws)) for p, ws in found.items()}
    return found


def _trigger_words(text: str) -> set[str]:
    """The ontology's trigger words in *text*."""
    triggers = _trigger_predicates()
    return {w for _, w in _cue_automaton().iter(text) if w in triggers} if text else set()


@lru_cache(maxsize=1)
def _trigger_predicates() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for name, pred in load_ontology().predicates.items():
        for w in pred.triggers:
            out.setdefault(w, []).append(name)
    return {w: tuple(ps) for w, ps in out.items()}


def _object_context(v: DocView, o: Mention) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    text = v.a.ct.text
    sent = v.a.sentences[o.sent]
    per: list[tuple[str, float]] = []
    plain: list[tuple[str, float]] = []
    per += [("|before_o=" + w, 1.0) for w in sorted(cues(text[max(sent.start, o.start - 8) : o.start]))]
    clause_start = _clause_start(text, sent.start, o.start)
    clause = text[clause_start : o.start]
    per += [("|clause_before_o=" + w, 1.0) for w in sorted(cues(clause))]
    last = None
    for end, w in _cue_automaton().iter(clause):
        last = (end, w)
    if last is not None:
        per.append(("|nearest_cue=" + last[1], 1.0))
        plain.append(("nearest_cue_distance", len(clause) - last[0] - 1))
    plain.append(("clause_len_before_o", len(clause)))
    per += [("|after_o=" + w, 1.0) for w in sorted(cues(text[o.end : min(sent.end, o.end + 8)]))]
    per += [("|rest_after_o=" + w, 1.0) for w in sorted(_trigger_words(text[o.end + 8 : min(sent.end, o.end + 48)]))]
    plain.append(("o_offset", o.start - sent.start))
    prev, nxt = text[max(0, o.start - 1) : o.start], text[o.end : o.end + 1]
    plain.append(("o_listed", float(prev == "、" or nxt in ("、", "等"))))
    plain.append(("o_quoted", float(bool(prev) and prev in _OPEN or bool(nxt) and nxt in _CLOSE)))
    bodies_left = [m for m in _sentence_mentions(v, o.sent)[1] if m.end <= o.start]
    plain.append(("n_bodies_left_of_o", len(bodies_left)))
    return plain, per


_LIST_SEPARATORS = ("、", "和", "及", "与", "以及", "，", ",")


def list_span(v: DocView, m: Mention) -> tuple[int, int, int, int]:
    """(start, end, size, position) of the enumeration *m* stands in (itself alone when none).

    Items are mentions of the same sentence joined by 、/和/及/与; the cue that governs a list
    stands before its first item or after its last, not next to every item.
    """
    key = ("list", id(m))
    cached = v.memo.get(key)
    if cached is not None:
        return cached
    text = v.a.ct.text
    items = sorted((x for x in v.by_sentence.get(m.sent, ()) if not x.inside and not x.virtual),
                   key=lambda x: (x.start, -x.end))
    start, end, size, position = m.start, m.end, 1, 0
    for x in reversed([x for x in items if x.end <= m.start]):
        if x.end <= start and text[x.end : start] in _LIST_SEPARATORS[:5] and x.start < start:
            start, size, position = x.start, size + 1, position + 1
        elif x.end > start:
            continue
        else:
            break
    for x in (x for x in items if x.start >= m.end):
        if x.start >= end and text[end : x.start] in _LIST_SEPARATORS[:5]:
            end, size = x.end, size + 1
        elif x.start < end:
            continue
        else:
            break
    v.memo[key] = (start, end, size, position)
    return start, end, size, position


def _r_lists(v: DocView, r: RelationInstance) -> Feats:
    """The cues around the enumeration each end stands in: a cue governs a whole list."""
    p = r.p
    for role, m in (("o", r.o), ("s", r.s)):
        if m.virtual:
            continue
        key = ("list_context", role, id(m))
        cached = v.memo.get(key)
        if cached is None:
            cached = v.memo[key] = _list_context(v, m, role)
        plain, per_predicate = cached
        yield from plain
        for name in per_predicate:
            yield p + name, 1


def _list_context(v: DocView, m: Mention, role: str) -> tuple[list[tuple[str, float]], list[str]]:
    text = v.a.ct.text
    start, end, size, position = list_span(v, m)
    sent = v.a.sentences[m.sent]
    plain = [(f"{role}_list_size", size), (f"{role}_list_position", position),
             (f"{role}_list_last", float(end == m.end and size > 1))]
    per = [f"|{role}_list_before={w}" for w in sorted(cues(text[max(sent.start, start - 8) : start]))]
    per += [f"|{role}_list_after={w}" for w in sorted(cues(text[end : min(sent.end, end + 10)]))]
    return plain, per


def _r_agents(v: DocView, r: RelationInstance) -> Feats:
    """Someone the document ties to the subject by a position acts in the object's sentence."""
    officials = v.memo.get("officials")
    if officials is None:
        officials = {}
        for (person, p, body), _fact in v.rule_facts.items():
            if p == "HOLDS_POSITION":
                officials.setdefault(body, set()).add(person)
        v.memo["officials"] = officials
    people = officials.get(r.s.name, ())
    if not people:
        return
    in_sentence = [m for m in v.by_sentence.get(r.o.sent, ()) if m.type == "Person" and m.name in people]
    yield "official_in_sentence", float(bool(in_sentence))
    yield r.p + "|official_before_o", float(any(m.end <= r.o.start for m in in_sentence))


def _r_rules(v: DocView, r: RelationInstance) -> Feats:
    fact = v.rule_facts.get((r.s.name, r.p, r.o.name))
    if fact is not None:
        yield "rule", 1
        yield r.p + "|rule", 1
        yield "rule=" + fact.extractor, 1
        yield "rule_confidence", fact.confidence
    yield "rule_other_predicate", float((r.s.name, r.o.name) in v.rule_pairs)
    yield "o_rule_object", float(r.o.name in v.rule_objects)


def _r_support(v: DocView, r: RelationInstance) -> Feats:
    """How much the document backs the fact: its ends as entities, how often it is stated."""
    probs = v.memo.get("entity_probability", {})
    yield "p_subject", probs.get((r.s.type, r.s.name), -1.0) + 1.0  # +1: keep 0 for "no entity model"
    yield "p_object", probs.get((r.o.type, r.o.name), -1.0) + 1.0
    counts = v.memo.get("fact_counts", {})
    n_inst, n_sent = counts.get((r.s.type, r.s.name, r.p, r.o.type, r.o.name), (0, 0))
    yield "fact_instances", n_inst
    yield "fact_sentences", n_sent
    mentions = v.memo.get("mention_counts", {})
    yield "s_mentions", mentions.get((r.s.type, r.s.name), 0)
    yield "o_mentions", mentions.get((r.o.type, r.o.name), 0)


def prepare_relations(v: DocView, instances: Iterable[RelationInstance], entity_probability: dict | None = None) -> None:
    """Document-level counts the relation features read (and the entity probabilities, when known)."""
    facts: dict[tuple[str, str, str, str, str], list[int]] = {}
    for r in instances:
        facts.setdefault((r.s.type, r.s.name, r.p, r.o.type, r.o.name), []).append(r.o.sent)
    v.memo["fact_counts"] = {k: (len(ss), len(set(ss))) for k, ss in facts.items()}
    mentions: dict[tuple[str, str], int] = {}
    for m in v.mentions:
        mentions[(m.type, m.name)] = mentions.get((m.type, m.name), 0) + 1
    v.memo["mention_counts"] = mentions
    if entity_probability is not None:
        v.memo["entity_probability"] = entity_probability


#: relation features by name, in the order they are computed
RELATION_FEATURES: dict[str, Callable[[DocView, RelationInstance], Feats]] = {
    "kind": _r_kind,
    "pair": _r_pair,
    "virtual": _r_virtual,
    "object_context": _r_object_context,
    "rules": _r_rules,
    "support": _r_support,
    "lists": _r_lists,
    "agents": _r_agents,
    "neighbours": _r_neighbours,
    "help": partial(help_features, span=list_span),
}

_RELATION_FUNCTIONS = tuple(RELATION_FEATURES.values())

#: feature-name prefixes that spell out text (filtered by document frequency at training time)
TEXT_FEATURE_MARKS = ("l1=", "r1=", "l2=", "r2=", "last1=", "last2=", "|last1=", "between_is=")


def spells_text(feature: str) -> bool:
    """True for a feature whose name carries characters from the text itself."""
    return any(mark in feature for mark in TEXT_FEATURE_MARKS)


def entity_features(v: DocView, e: EntityCandidate) -> dict[str, float]:
    """Every non-zero entity feature of *e* as one sparse row (a name given twice counts once)."""
    return dict([(k, x) for fn in ENTITY_FEATURES.values() for k, x in fn(v, e) if x])


def relation_features(v: DocView, r: RelationInstance) -> dict[str, float]:
    """Every non-zero relation feature of *r* as one sparse row (a name given twice counts once)."""
    return dict(relation_row(v, r))


def relation_row(v: DocView, r: RelationInstance) -> Iterator[tuple[str, float]]:
    """The non-zero (name, value) pairs of :func:`relation_features`, as they come, for scoring at run time.

    Every name stands once by construction (each function prefixes its own names, and what one yields per
    predicate is a set); tests/test_learn.py checks it.
    """
    for fn in _RELATION_FUNCTIONS:
        for k, x in fn(v, r):
            if x:
                yield k, x


def relation_columns(v: DocView, rels: Iterable[RelationInstance],
                     columns: dict[str, int]) -> tuple[list[float], list[int], list[int]]:
    """(data, indices, indptr) of the sparse rows of *rels* over *columns*: what :func:`relation_row` yields,
    names without a column dropped, in one loop (a generator per row cost a fifth of the relation scoring)."""
    get = columns.get
    data: list[float] = []
    indices: list[int] = []
    indptr = [0]
    add_value, add_column = data.append, indices.append
    for r in rels:
        for fn in _RELATION_FUNCTIONS:
            for k, x in fn(v, r):
                if x:
                    col = get(k)
                    if col is not None:
                        add_column(col)
                        add_value(x)
        indptr.append(len(indices))
    return data, indices, indptr


__all__ += ["cues", "head_of", "list_span", "prepare_relations", "relation_columns", "spells_text", "Mention"]
