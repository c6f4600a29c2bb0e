"""Coreference of a body: 该公司, 该企业, 本单位, 该院 … stand for the body of that kind the article
named last before them.

The pronoun becomes a candidate of the body's type and canonical name at its
own span (rule ``coref``), so that relation rules and learned scorers see the
body in that sentence; a facility written after the pronoun (该公司职工书屋)
is named after the body (rule ``coref-facility``, its host).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from kg.extract.lexicon import lexicon
from kg.extract.mentions.base import Cand
from kg.extract.segment import Sentence

# pronoun word → (types it may stand for, endings the body's name must have; empty: any)
_KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "公司": (("Enterprise",), ()),
    "企业": (("Enterprise",), ()),
    "集团": (("Enterprise",), ("集团", "集团有限公司", "集团股份有限公司", "集团公司")),
    "厂": (("Enterprise",), ("厂",)),
    "酒店": (("Enterprise",), ("酒店", "宾馆", "饭店")),
    "银行": (("Enterprise",), ("银行", "支行", "分行")),
    "单位": (("Enterprise", "Organization"), ()),
    "医院": (("Organization",), ("医院", "中医院")),
    "院": (("Organization",), ("院",)),
    "校": (("Organization",), ("学校", "中学", "小学", "大学", "学院", "党校", "分校", "校区")),
    "局": (("Organization",), ("局",)),
    "协会": (("Organization",), ("协会",)),
}
_PRONOUN = re.compile(r"(?<![应])(该|本|这家|此)(" + "|".join(sorted(_KINDS, key=len, reverse=True)) + r")(?![\u4e00-\u9fff]{0,1}(?:性|化|级))")
# How far back (in sentences of the same article) the body may have been named.
_MAX_BACK = 12


@lru_cache(maxsize=1)
def _facility_head_re() -> re.Pattern[str]:
    heads = lexicon().facility_heads
    return re.compile(r"((?:劳模|工匠|职工|劳模工匠|爱心|户外劳动者)?(?:" + "|".join(map(re.escape, heads)) + "))")


def coref_candidates(text: str, sentences: list[Sentence], cands: list[Cand]) -> list[Cand]:
    """A candidate for each pronoun that names a body of the article (该公司 → the company named before it)."""
    out: list[Cand] = []
    order = {s.start: k for k, s in enumerate(sentences)}
    bodies = sorted((c for c in cands if c.type in ("Enterprise", "Organization") and c.rule.startswith(("head:", "known", "sub-unit"))
                     and not c.extra.get("context") and not c.extra.get("alt")), key=lambda c: (c.start, c.end))
    starts = [c.start for c in bodies]
    for k, sent in enumerate(sentences):
        for m in _PRONOUN.finditer(sent.text):
            a, b = sent.start + m.start(), sent.start + m.end()
            types, endings = _KINDS[m.group(2)]
            ref = _last_body(bodies, starts, a, k, types, endings, sentences, order, sent.article)
            if ref is None:
                continue
            out.append(Cand(ref.type, a, b, m.group(0), "coref", name=ref.name, head=ref.head, sentence=sent.start,
                            extra={"context": True, "coref_start": ref.start}))
            fm = _facility_head_re().match(text, b, sent.end)
            if fm:
                head = fm.group(1)
                out.append(Cand("Facility", a, fm.end(), text[a : fm.end()], "coref-facility", name=ref.name + head,
                                head=head, sentence=sent.start, extra={"host": ref.name, "alias": ""}))
    return out


def _last_body(bodies: list[Cand], starts: list[int], a: int, k: int, types: tuple[str, ...],
               endings: tuple[str, ...], sentences: list[Sentence], order: dict[int, int],
               article: int) -> Cand | None:
    """The last body ending before *a* that the pronoun in sentence *k* can stand for.

    Only bodies starting before *a* can end before it, and bodies come in sentence
    order, so the walk back stops :data:`_MAX_BACK` sentences before the pronoun
    (the time stays linear in the document's length).
    """
    for i in range(bisect_left(starts, a) - 1, -1, -1):
        c = bodies[i]
        back = order.get(c.sentence, 0)
        if c.sentence in order and k - back > _MAX_BACK:
            return None
        if c.end <= a and c.type in types and (not endings or c.name.endswith(endings)) \
                and sentences[back].article == article and k - back <= _MAX_BACK:
            return c
    return None
