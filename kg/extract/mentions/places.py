"""Regions: full administrative division names (宿迁市, 宿豫区) and chains of them
(宿迁市宿豫区), from the divisions of :mod:`kg.extract.regions`.
"""

from __future__ import annotations

from kg.extract.mentions.base import Cand
from kg.extract.regions import division_automaton
from kg.extract.segment import Sentence


def region_candidates(sent: Sentence, text: str) -> list[Cand]:
    """Full administrative division names (宿迁市, 宿豫区) and chains of them (宿迁市宿豫区)."""
    out: list[Cand] = []
    hits = []
    for end_idx, name in division_automaton().iter(sent.text):
        a = sent.start + end_idx - len(name) + 1
        hits.append((a, a + len(name), name))
    # keep longest, non-overlapping
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    kept: list[tuple[int, int, str]] = []
    for h in hits:
        if kept and h[0] < kept[-1][1]:
            continue
        kept.append(h)
    # chains of adjacent divisions become one mention
    i = 0
    while i < len(kept):
        a, b, _ = kept[i]
        j = i
        while j + 1 < len(kept) and kept[j + 1][0] == kept[j][1]:
            j += 1
        b = kept[j][1]
        out.append(Cand("Region", a, b, text[a:b], "region", sentence=sent.start))
        i = j + 1
    return out
