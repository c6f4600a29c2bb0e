"""Groups: the beneficiary classes of the lexicon (农民工, 环卫工人, 困难职工 …), and classes
named by a class head and its modifier (侨胞职工, 家政护理人员, 代驾司机).

A class is a candidate wherever it is named; the relation rules decide whether the text
makes it a beneficiary (SUPPORTS) — not every occupation in a list is one.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.extract.lexicon import lexicon
from kg.extract.mentions.base import Cand
from kg.extract.regions import lookup
from kg.extract.segment import Sentence


@lru_cache(maxsize=1)
def _group_automaton():
    import ahocorasick  # lazy: a C extension that only extraction needs

    a = ahocorasick.Automaton()
    for g in lexicon().groups:
        a.add_word(g, g)
    a.make_automaton()
    return a


@lru_cache(maxsize=1)
def _class_re() -> re.Pattern[str]:
    lists = lexicon().raw["lists"]
    heads = sorted(set(lists["group_heads"]) | set(lists["group_bare_heads"]), key=len, reverse=True)
    # a class head ends the noun phrase: a break, a particle, or a verb of receiving follows
    follow = (r"(?=[^\u4e00-\u9fff]|$|等|和|及|与|、|的|们|子女|家庭|群体|代表|送|提供|发放|进行|开展|免费|参加|参与|在|"
              r"捐|是|也|都|纷纷|表示|说|感|手中|家中|朋友|兄弟|姐妹|过|度过|领取|享受|获得|入会|加入)")
    return re.compile("(" + "|".join(map(re.escape, heads)) + ")" + follow)


@lru_cache(maxsize=1)
def _generic_re() -> re.Pattern[str]:
    words = sorted(lexicon().raw["lists"]["group_generic"], key=len, reverse=True)
    return re.compile("^(" + "|".join(map(re.escape, words)) + ")")


# Characters a class modifier never crosses; words after which it starts (a verb, a body's head).
_STOP = re.compile(r"[^\u4e00-\u9fff]|[的和及与为向给对等了在是把将从由以让使被于么都还也就又名位个批万余多次条]")
_CUT_AFTER = re.compile(r"(慰问|帮扶|关爱|关心|服务|看望|走访|送|发放|提供|组织|开展|带领|动员|引导|鼓励|号召|吸引|参加|参与|"
                        r"培训|表彰|评选|选树|推荐|覆盖|惠及|帮助|救助|资助|询问|包括|面向|满足|解决|以上|以下|级)")

# Modifiers that name no class: every line of work (各条战线职工, 各行业劳动者).
_NO_CLASS = re.compile(r"行业|战线|各行各业|各行业|各界|各岗位|岗位")


def _class_at(s: str, head_start: int, head: str) -> tuple[int, str] | None:
    """(start, name) of the class whose head starts at *head_start*, or None."""
    lo = head_start
    while lo > 0 and head_start - lo < 8 and not _STOP.match(s[lo - 1]):
        lo -= 1
    if lo > 0 and head_start - lo == 8 and not _STOP.match(s[lo - 1]):
        return None  # no break within reach: where the class starts is unknown
    if lo > 0 and s[lo - 1] == "以" and s[lo : lo + 1] in ("上", "下"):
        lo += 1  # 省部级以上困难劳模: the class starts after 以上
    mod = s[lo:head_start]
    cut = None
    for m in [*_CUT_AFTER.finditer(mod), *lexicon().head_re.finditer(mod)]:
        if cut is None or m.end() > cut.end():
            cut = m  # after a verb or a body's head (某公司职工: the company's staff, no class)
    if cut is not None:
        lo += cut.end()
        mod = mod[cut.end() :]
    while True:
        g = _generic_re().match(mod)
        r = next((k for k in range(min(len(mod), 6), 1, -1) if lookup(mod[:k])), 0)
        if g:
            lo += g.end()
            mod = mod[g.end() :]
        elif r:
            lo += r
            mod = mod[r:]
        else:
            break
    bare = head in lexicon().raw["lists"]["group_bare_heads"]
    if _NO_CLASS.fullmatch(mod):
        return None  # 各条战线职工, 各行业劳动者: every worker, no class
    if len(mod) < 2 and not (bare and not mod):
        return None  # “职工”, “人员” alone name no class, nor does a single character before them
    return lo, mod + head


# Help around a class: a cue in its clause before it (慰问…, 为…, 关爱…), or a verb of giving right after it.
_HELP_NEAR = re.compile(r"(为|向|给|对|慰问|看望|探望|帮扶|关爱|关心|资助|救助|帮助|惠及|服务|覆盖|面向|针对)")
_HELP_AFTER = re.compile(r"[^，。；,;]{0,6}?(送去|送上|送来|提供|发放|赠送|免费)")


def _clause_before(s: str, a: int) -> str:
    head = s[max(0, a - 24) : a]
    return re.split(r"[，。；,;：:！？]", head)[-1]


def group_candidates(sent: Sentence, text: str) -> list[Cand]:
    out = []
    for end_idx, g in _group_automaton().iter(sent.text):
        a = sent.start + end_idx - len(g) + 1
        out.append(Cand("Group", a, a + len(g), g, "group", sentence=sent.start))
    listed = [(c.start, c.end) for c in out]
    for m in _class_re().finditer(sent.text):
        found = _class_at(sent.text, m.start(1), m.group(1))
        if found is None:
            continue
        a, name = found
        if any(x < sent.start + m.end(1) and sent.start + a < y for x, y in listed):
            continue  # the lexicon's class is the name (施工一线职工 → 一线职工)
        if not _HELP_NEAR.search(_clause_before(sent.text, a)) and not _HELP_AFTER.match(sent.text, m.end(1)):
            continue  # a class is a candidate where help is near: 慰问/为…, or 送去/提供 after it
        if len(name) > 10:
            continue
        out.append(Cand("Group", sent.start + a, sent.start + m.end(1), name, "group", sentence=sent.start,
                        extra={"class": True}))
    out.sort(key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[Cand] = []
    for c in out:
        if kept and c.start < kept[-1].end:
            continue
        kept.append(c)
    return kept
