"""Groups: the beneficiary classes of the lexicon (农民工, 环卫工人, 困难职工 …)."""

from __future__ import annotations

from functools import lru_cache

from kg.extract.lexicon import lexicon
from kg.extract.mentions.base import Cand
from kg.extract.segment import Sentence


@lru_cache(maxsize=1)
def _group_automaton():
    import ahocorasick  # lazy: a C extension that only extraction needs

    a = ahocorasick.Automaton()
    for g in lexicon().groups:
        a.add_word(g, g)
    a.make_automaton()
    return a


def group_candidates(sent: Sentence, text: str) -> list[Cand]:
    out = []
    for end_idx, g in _group_automaton().iter(sent.text):
        a = sent.start + end_idx - len(g) + 1
        out.append(Cand("Group", a, a + len(g), g, "group", sentence=sent.start))
    out.sort(key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[Cand] = []
    for c in out:
        if kept and c.start < kept[-1].end:
            continue
        kept.append(c)
    return kept
