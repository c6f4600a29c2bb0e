"""kg.extract.mentions: each family works on its own, and overlaps leave one candidate per span.

Every ``*_candidates`` finder must work when it is the first thing a fresh
process calls (no lazy module global that another finder fills in first).
"""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import kg.extract.mentions as mentions_package
from kg.extract.mentions.base import Cand
from kg.extract.mentions.find import _resolve_overlaps

from conftest import REPO

FAMILIES = sorted(
    p.stem for p in Path(mentions_package.__file__).parent.glob("*.py") if p.stem not in ("__init__", "base", "find")
)

_FIRST_CALL = """
import inspect, importlib, sys
from kg.extract.segment import Sentence
from kg.extract.mentions.base import tokens_of
module = importlib.import_module("kg.extract.mentions." + sys.argv[1])
text = "本报讯 甲市总工会主席张三表示，将在乙公司建设工会驿站、职工书屋，为困难职工送去慰问。"
sent = Sentence(0, len(text), text, 0)
args = {"sent": sent, "sentences": [sent], "text": text, "tokens": tokens_of(text, 0), "cands": []}
for name, fn in inspect.getmembers(module, inspect.isfunction):
    if name.endswith("_candidates") and fn.__module__ == module.__name__:
        fn(**{p: args[p] for p in inspect.signature(fn).parameters})
        print(name)
"""


@pytest.mark.parametrize("family", FAMILIES)
def test_mentions_family_works_as_the_first_call_of_a_process(family: str) -> None:
    done = subprocess.run([sys.executable, "-c", _FIRST_CALL, family], capture_output=True, text=True, cwd=REPO,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    expected = {n for n, fn in inspect.getmembers(__import__(f"kg.extract.mentions.{family}", fromlist=["x"]),
                                                   inspect.isfunction)
                if n.endswith("_candidates") and fn.__module__.endswith(family)}
    assert set(done.stdout.split()) == expected and expected


def test_mentions_crossing_spans_keep_only_the_higher_priority_candidate() -> None:
    low = Cand("Organization", 0, 5, "甲乙丙丁戊", "context")  # priority 2
    high = Cand("Union", 3, 8, "丁戊己庚辛", "known")  # priority 6, starts later, crosses it
    assert [(c.start, c.rule) for c in _resolve_overlaps([low, high])] == [(3, "known")]


def test_mentions_same_span_keeps_only_the_higher_priority_candidate() -> None:
    group = Cand("Group", 0, 4, "某某职工", "group")  # priority 1
    award = Cand("Award", 0, 4, "某某职工", "award")  # priority 5
    assert [c.rule for c in _resolve_overlaps([group, award])] == ["award"]
    assert [c.rule for c in _resolve_overlaps([award, group])] == ["award"]


def test_mentions_crossing_spans_of_equal_priority_keep_the_earlier_longer_one() -> None:
    first = Cand("Union", 0, 6, "甲乙丙丁戊己", "head:Union")
    later = Cand("Enterprise", 4, 9, "戊己庚辛壬", "head:Enterprise")
    assert [c.start for c in _resolve_overlaps([later, first])] == [0]
