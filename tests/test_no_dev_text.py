"""The project holds only text written for it: no sentence of the dev articles.

Every run of 12 or more Chinese characters (and the punctuation between them)
in kg/, schemas/, tests/, README.md and ARCHITECTURE.md is looked up in the
dev corpus (``../shared/dev/corpus``, read at run time; skipped locally when
it is absent, a failure under CI=true). Examples are invented; tests that
need real dev facts read ``gold.jsonl`` at run time.
"""

from __future__ import annotations

import re
from pathlib import Path

from conftest import REPO

RUN = 12
_CJK_RUN = re.compile(r"[\u4e00-\u9fff“”‘’（）《》、，：；·0-9]{%d,}" % RUN)
_SUFFIXES = {".py", ".toml", ".md", ".cypher", ".txt", ".json", ".jsonl", ".html", ".csv"}


def _project_files() -> list[Path]:
    files = [p for d in ("kg", "schemas", "tests") for p in sorted((REPO / d).rglob("*"))
             if p.is_file() and p.suffix in _SUFFIXES and "__pycache__" not in p.parts]
    return files + [REPO / "README.md", REPO / "ARCHITECTURE.md"]


def _copied_runs(line: str, corpus: str) -> list[str]:
    """Stretches of *line* (at least RUN characters, mostly Han) that occur in *corpus*."""
    found = []
    for m in _CJK_RUN.finditer(line):
        run = m.group(0)
        a = 0
        while a + RUN <= len(run):
            window = run[a : a + RUN]
            if sum("\u4e00" <= c <= "\u9fff" for c in window) >= RUN * 0.8 and window in corpus:
                b = a + RUN
                while b < len(run) and run[a : b + 1] in corpus:
                    b += 1
                found.append(run[a:b])
                a = b
            else:
                a += 1
    return found


def test_no_dev_text_finder_finds_a_copied_run() -> None:
    corpus = "导语。某某县总工会今天为全县环卫工人送去了清凉慰问品，共计三百份。结尾"
    assert _copied_runs("# 例：“某某县总工会今天为全县环卫工人送去了”", re.sub(r"\s+", "", corpus)) == [
        "某某县总工会今天为全县环卫工人送去了"]
    assert _copied_runs("某某县总工会明天为全县环卫工人送去", corpus) == []


def test_no_dev_text_in_the_project(dev_dir: Path) -> None:
    corpus = "\n".join(p.read_text(encoding="utf-8", errors="ignore")
                       for p in sorted((dev_dir / "corpus").rglob("*")) if p.is_file())
    corpus = re.sub(r"\s+", "", corpus)  # hard-wrapped page text still matches
    hits = []
    for path in _project_files():
        for i, line in enumerate(path.read_text(encoding="utf-8", errors="ignore").splitlines(), 1):
            hits += [f"{path.relative_to(REPO)}:{i}: {run}" for run in _copied_runs(line, corpus)]
    assert not hits, "text copied from the dev articles (invent examples instead):\n" + "\n".join(hits)
