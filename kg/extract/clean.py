"""A cleaned view of a document, with an offset map back to the original text.

Newspaper page text (PDF extraction) breaks names across lines and columns
(``淮\\n\\n安方特``), prints titles one character per line and doubles
headline glyphs. Extraction runs on the cleaned view; every offset is mapped
back through :attr:`CleanText.offsets`, so evidence always points into the
original ``Document.text``.

Traditional characters are converted to simplified character by character
(OpenCC, same length), so matching works while offsets stay put.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

# Punctuation after which a line break is a real break (sentence or heading end).
_FINAL = set("。！？!?；;：:…】")
# Characters that are content (CJK, letters, digits, and in-name punctuation).
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LINE = re.compile(r"[^\n]*\n?")
_WS_RUN = re.compile(r"[ \t\r\f\v\u3000\u00a0]*\n[\s\u3000\u00a0]*")


@dataclass(frozen=True, slots=True)
class CleanText:
    """The cleaned text and, for each of its characters, the index in the original."""

    text: str
    # len(text) + 1 entries; the last is the end of the original. An array of machine integers:
    # 8 bytes a character, where a tuple of ints took about 36 (a long document's largest cost).
    offsets: Sequence[int]
    wrapped: bool  # the original looked hard-wrapped (newspaper page)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of the cleaned range ``[start, end)``.

        >>> c = clean("宿\\n\\n迁方舟", wrapped=True)
        >>> c.text, c.span(0, 4)
        ('宿迁方舟', (0, 6))
        """
        if end <= start:
            o = self.offsets[min(start, len(self.offsets) - 1)]
            return o, o
        return self.offsets[start], self.offsets[end - 1] + 1


def _local_widths(text: str) -> dict[int, tuple[int, int]]:
    """For each line (by its start offset), the median length of the non-empty lines before and after it.

    A page mixes columns of different widths; a line is judged against its
    neighbours on either side (the first line of a new column has none above).
    """
    starts, lengths = [], []
    pos = 0
    for line in text.split("\n"):
        starts.append(pos)
        lengths.append(len(line.rstrip()) if line.strip() else 0)  # indentation counts: it takes column width
        pos += len(line) + 1

    def median(xs: list[int]) -> int:
        xs = sorted(x for x in xs if x)
        return xs[len(xs) // 2] if xs else 0

    return {st: (median(lengths[max(0, k - 5) : k]), median(lengths[k + 1 : k + 6])) for k, st in enumerate(starts)}


def is_wrapped(text: str) -> bool:
    """True when the text looks hard-wrapped: many lines of about one length that end mid-sentence.

    >>> is_wrapped("第一行很长的句子。\\n第二行也是完整的一句话。")
    False
    """
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if len(lines) < 8:
        return False
    lengths = [len(ln) for ln in lines]
    mode = max(set(lengths), key=lengths.count)
    near_count = sum(1 for n in lengths if abs(n - mode) <= 2)
    near = near_count / len(lines)
    if near_count < 6:
        return False
    open_ends = sum(1 for ln in lines if ln[-1] not in _FINAL and len(ln) >= 6) / len(lines)
    return mode <= 40 and near >= 0.3 and open_ends >= 0.35


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # lazy: a native converter, loaded on first use

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert traditional to simplified characters without changing the length.

    >>> to_simplified("職工之家")
    '职工之家'
    """
    conv = _t2s().convert(text)
    if len(conv) == len(text):
        return conv
    return "".join(c2 if len(c2 := _t2s().convert(c)) == 1 else c for c in text)


def clean(text: str, *, wrapped: bool | None = None) -> CleanText:
    """Build the cleaned view of *text*.

    In hard-wrapped text a line break (with surrounding blank lines and
    spaces) between two content characters is removed; elsewhere a line break
    stays a single ``\\n``. Runs of spaces become one space. Full-width ASCII
    is kept (width is normalised on names, not here, so offsets stay simple).
    """
    if wrapped is None:
        wrapped = is_wrapped(text)
    widths = _local_widths(text) if wrapped else {}
    if _needs_t2s(text):
        text_for_view = to_simplified(text)
    else:
        text_for_view = text
    out: list[str] = []  # chunks of the cleaned text
    offs = array("q")
    size = 0  # characters in *out*
    n = len(text_for_view)
    line_start = 0  # offset in the cleaned text where the current cleaned line starts
    last_nl = -1  # index in the original of the newline before the current line
    pos = 0
    for m in _WS.finditer(text_for_view):
        i, j = m.start(), m.end()
        if i > pos:  # content between two white-space runs is copied as is
            out.append(text_for_view[pos:i])
            offs.extend(range(pos, i))
            size += i - pos
        pos = j
        prev = out[-1][-1] if out else ""
        nxt = text_for_view[j] if j < n else ""
        if "\n" in m.group(0):
            orig_line = text_for_view[last_nl + 1 : i].rstrip()
            next_nl = text_for_view.find("\n", j)
            next_line = text_for_view[j : next_nl if next_nl >= 0 else n].strip()
            # a wrapped line is about a column wide; a wider one is a headline, a shorter one ends a paragraph
            before, after = widths.get(last_nl + 1, (0, 0))
            n_line = len(orig_line)
            full = any(w and w - 4 <= n_line <= w + 3 for w in (before, after)) or (
                len(orig_line.strip()) <= 2 and len(next_line) <= 2
            )
            last_nl = text_for_view.rfind("\n", i, j)
            if wrapped and full and prev and nxt and _joinable(prev, nxt, _tail(out, size - line_start)):
                pass  # a wrap inside a sentence (a full-width line, or a vertical title): drop the break
            elif out and prev != "\n":
                out.append("\n")
                offs.append(i)
                size += 1
                line_start = size
        elif out and prev not in " \n" and nxt:
            out.append(" ")  # spaces separate bylines (“总工会 周海平”): keep one
            offs.append(i)
            size += 1
    if pos < n:
        out.append(text_for_view[pos:])
        offs.extend(range(pos, n))
    offs.append(len(text))
    return CleanText(text="".join(out), offsets=offs, wrapped=wrapped)


_WS = re.compile(r"[\n\r\t \u3000\u00a0\f\v]+")


def _tail(chunks: list[str], k: int) -> str:
    """The last *k* characters of the joined chunks (the current cleaned line)."""
    if k <= 0:
        return ""
    got: list[str] = []
    need = k
    for chunk in reversed(chunks):
        got.append(chunk[-need:] if len(chunk) > need else chunk)
        need -= len(got[-1])
        if need <= 0:
            break
    return "".join(reversed(got))


_KEEP_LINE = re.compile(r"(来源[:：]|责任编辑|版面编辑|校对[/／:：]|电话[:：])")


def _joinable(prev: str, nxt: str, line: str = "") -> bool:
    if prev in _FINAL:
        return False
    if line and _KEEP_LINE.search(line):
        return False
    if nxt in "【":
        return False
    return True


def _needs_t2s(text: str) -> bool:
    sample = text[:2000]
    if not sample:
        return False
    conv = _t2s().convert(sample)
    diff = sum(1 for a, b in zip(sample, conv) if a != b)
    return diff >= 3
