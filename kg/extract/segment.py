"""Articles and sentences of a cleaned document.

A newspaper page holds several articles: 【栏目】 headings, title + byline
lines, “小编说” summaries and “来源：…” lines mark their edges. Context
resolution (区总工会 → the article's own 区总工会) works per article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENT_END = re.compile(r"[。！？!?；;]+[”’」』\"]?|\n")
_HEADING = re.compile(r"^【+[^】\n]{1,12}】+$")
_SOURCE = re.compile(r"来源[:：].{0,20}$")
#: A sentence is at most this long: text with no sentence end (a table, a list run together, an
#: export without 。) is cut at a comma or a space, else at this length. Rules read a sentence
#: several times over, so an unbounded one made the time grow with the square of its length.
#: (The longest sentence of the development articles is about 260 characters.)
MAX_SENTENCE = 400
_SOFT_END = re.compile(r"[，,、：:）)》」』”\s]")
_MASTHEAD = re.compile(r"(责任编辑|版面编辑|校对|美术编辑|热线电话|新闻部电话|电话[:：]?\s*\d)")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the cleaned text: ``[start, end)`` in the cleaned view."""

    start: int
    end: int
    text: str
    article: int


@dataclass(frozen=True, slots=True)
class Section:
    """An article of the cleaned text."""

    index: int
    start: int
    end: int
    masthead: bool = False


def _lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def split_articles(text: str, *, wrapped: bool) -> list[Section]:
    """Split a cleaned document into articles (a web article is one).

    >>> [ (s.start, s.end) for s in split_articles("甲文。\\n【栏目】\\n乙文。", wrapped=True)]
    [(0, 4), (4, 12)]
    """
    if not wrapped:
        return [Section(index=0, start=0, end=len(text))]
    cuts = [0]
    masthead_lines: list[tuple[int, int]] = []
    prev_heading = False
    for pos, line in _lines(text):
        stripped = line.strip()
        is_heading = bool(_HEADING.match(stripped))
        if is_heading and not prev_heading and pos > 0:
            cuts.append(pos)
        if _MASTHEAD.search(stripped) and len(stripped) < 80:
            masthead_lines.append((pos, pos + len(line) + 1))
            cuts.append(pos)
            cuts.append(min(len(text), pos + len(line) + 1))
        if _SOURCE.search(stripped):
            cuts.append(min(len(text), pos + len(line) + 1))
        if stripped:
            prev_heading = is_heading
    cuts = sorted(set(c for c in cuts if 0 <= c < len(text))) + [len(text)]
    # a short piece without a full sentence (title + byline, a heading) opens the next article
    merged = [cuts[0]]
    for a, b in zip(cuts, cuts[1:]):
        piece = text[a:b]
        if len(piece) < 120 and "。" not in piece and not _MASTHEAD.search(piece) and b < len(text):
            continue
        merged.append(b)
    cuts = sorted(set(merged))
    sections = []
    for a, b in zip(cuts, cuts[1:]):
        if b <= a:
            continue
        is_mast = any(ma <= a and b <= mb for ma, mb in masthead_lines)
        sections.append(Section(index=len(sections), start=a, end=b, masthead=is_mast))
    return sections


def split_sentences(text: str, sections: list[Section]) -> list[Sentence]:
    """Sentences of each article (never crossing an article edge)."""
    out: list[Sentence] = []
    for sec in sections:
        start = sec.start
        for m in _SENT_END.finditer(text, sec.start, sec.end):
            end = m.end()
            _add_bounded(out, text, start, end, sec.index)
            start = end
        _add_bounded(out, text, start, sec.end, sec.index)
    return out


def _add_bounded(out: list[Sentence], text: str, start: int, end: int, article: int) -> None:
    """Add ``text[start:end]`` as sentences of at most :data:`MAX_SENTENCE` characters.

    >>> out = []
    >>> _add_bounded(out, "甲" * 300 + "，" + "乙" * 300, 0, 601, 0)
    >>> [(s.start, s.end) for s in out]
    [(0, 301), (301, 601)]
    """
    while end - start > MAX_SENTENCE:
        limit = start + MAX_SENTENCE
        cut = None
        for m in _SOFT_END.finditer(text, start + MAX_SENTENCE // 2, limit):
            cut = m.end()  # the last comma (or space, bracket) in the second half of the window
        cut = cut or limit
        _add(out, text, start, cut, article)
        start = cut
    _add(out, text, start, end, article)


def _add(out: list[Sentence], text: str, start: int, end: int, article: int) -> None:
    # trim white space at both ends so evidence is tight
    while start < end and text[start] in " \n":
        start += 1
    while end > start and text[end - 1] in " \n":
        end -= 1
    if end > start:
        out.append(Sentence(start=start, end=end, text=text[start:end], article=article))
