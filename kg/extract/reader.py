"""Files and folders → :class:`~kg.models.Document` (or :class:`~kg.models.InputProblem`).

``.txt``/``.md`` files are one document each; every record of a ``.jsonl`` or
``.csv`` file is one document whose text is its title, a blank line and its
text. Bad input never stops the run: it becomes an ``InputProblem`` that names
the file (and line) and says what to do, and reading goes on.

The text is kept exactly as decoded (only a leading byte-order mark is
dropped): every character offset of the pipeline refers to it.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from kg.models import Document, InputProblem, ReaderOptions

__all__ = ["TEXT_SUFFIXES", "RECORD_SUFFIXES", "read_documents", "decode_bytes", "DecodeFailure"]

TEXT_SUFFIXES = frozenset({".txt", ".md"})
RECORD_SUFFIXES = frozenset({".jsonl", ".csv"})
SUFFIXES = TEXT_SUFFIXES | RECORD_SUFFIXES

# Legacy encodings a Chinese text may plausibly be in, tried after UTF-8 and the
# BOMs. GB18030 is a superset of GBK and GB2312, so it reads all three.
# charset-normalizer's own ranking is not used for these: measured on short
# samples it calls GBK text (工会, 总工会慰问) Big5 and Big5 text UTF-16-BE,
# because every candidate decodes without "chaos". Ranking the strict decodings
# by how common their characters are settles it; charset-normalizer remains the
# fallback for everything that is not Chinese.
_CHINESE_ENCODINGS = ("gb18030", "big5", "utf_16_le", "utf_16_be")
# A decoding is accepted when at least this share of its characters is
# ordinary text (ASCII, CJK punctuation, common hanzi); garbage decodings of
# the wrong encoding land on rare characters and score far lower.
_MIN_PLAUSIBILITY = 0.85

_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf_32_le"),
    (codecs.BOM_UTF32_BE, "utf_32_be"),
    (codecs.BOM_UTF8, "utf_8"),
    (codecs.BOM_UTF16_LE, "utf_16_le"),
    (codecs.BOM_UTF16_BE, "utf_16_be"),
)
_ALLOWED_CONTROLS = frozenset("\t\n\r\x0b\x0c")

_DATE_LINE = re.compile(
    r"^\s*(?:(?:发布|日期|时间|发布时间|发布日期)[:：]\s*)?"
    r"(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*\d{1,2}[:：]\d\d(?:[:：]\d\d)?)?"
    r"(?:\s+.{0,30})?\s*$"
)
_SOURCE_LINE = re.compile(r"^\s*来源[:：]\s*(?P<source>\S.{0,40}?)\s*$")
#: how many non-empty lines at the top may hold the title and the date
_HEAD_LINES = 3


class DecodeFailure(ValueError):
    """Bytes that are not readable text; the message says why and what to do."""


# --------------------------------------------------------------------------- decoding


def decode_bytes(data: bytes, *, encoding: str | None = None) -> tuple[str, str]:
    """Decode file content; return ``(text, encoding name)``. A leading BOM is removed.

    Order: an explicit *encoding*; a byte-order mark; strict UTF-8; then the
    plausible Chinese encodings (GB18030/GBK, Big5, BOM-less UTF-16) ranked by
    how ordinary the decoded text looks, with charset-normalizer as the last
    resort. Raises :class:`DecodeFailure` for binary or undecodable data.

    >>> decode_bytes("工会".encode("gbk"))
    ('工会', 'gb18030')
    >>> decode_bytes(codecs.BOM_UTF8 + "本报讯".encode())
    ('本报讯', 'utf_8')
    """
    if encoding:
        try:
            text = data.decode(encoding)
        except LookupError:
            raise DecodeFailure(f"unknown encoding {encoding!r}; give a Python codec name such as gb18030") from None
        except UnicodeDecodeError as exc:
            raise DecodeFailure(
                f"not valid {encoding} (byte {exc.start}); check --encoding or leave it out to detect"
            ) from None
        return _check_text(text.removeprefix("\ufeff")), encoding
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return _check_text(data[len(bom) :].decode(name)), name
            except UnicodeDecodeError:
                raise DecodeFailure(
                    f"starts with a {name} byte-order mark but is not valid {name}; re-save it as UTF-8"
                ) from None
    if b"\x00" not in data:  # UTF-8 text never holds NUL; BOM-less UTF-16 does
        try:
            return _check_text(data.decode("utf_8")), "utf_8"
        except UnicodeDecodeError:
            pass
    text, name = _detect_chinese(data)
    return _check_text(text), name


def _check_text(text: str) -> str:
    """Reject decoded text that is really binary (NUL bytes, control garbage)."""
    if "\x00" in text:
        raise DecodeFailure("looks binary (contains NUL bytes); give kg a text file (.txt/.md/.jsonl/.csv)")
    controls = sum(1 for ch in text if _is_bad_control(ch))
    if controls and controls > max(2, len(text) // 100):
        raise DecodeFailure(
            f"looks binary ({controls} control characters); give kg a text file (.txt/.md/.jsonl/.csv)"
        )
    return text


def _is_bad_control(ch: str) -> bool:
    return (ch < " " and ch not in _ALLOWED_CONTROLS) or ch == "\x7f"


def _detect_chinese(data: bytes) -> tuple[str, str]:
    """Choose among the plausible Chinese encodings of non-UTF-8 bytes."""
    candidates: dict[str, str] = {}
    for name in _CHINESE_ENCODINGS:
        if name.startswith("utf_16") and len(data) % 2:
            continue
        try:
            candidates[name] = data.decode(name)
        except UnicodeDecodeError:
            continue
    if b"\x00" in data:
        # NUL bytes in a text file mean UTF-16 (ASCII characters have a zero
        # high byte); the zeros sit on odd positions for LE, even ones for BE.
        utf16 = {k: v for k, v in candidates.items() if k.startswith("utf_16")}
        if not utf16:
            raise DecodeFailure("looks binary (contains NUL bytes); give kg a text file (.txt/.md/.jsonl/.csv)")
        # On a tie the position of the zeros decides: ASCII characters have a
        # zero high byte, on odd positions in LE and on even ones in BE.
        zeros = {"utf_16_le": data[1::2].count(0), "utf_16_be": data[0::2].count(0)}
        best = max(utf16, key=lambda n: (round(_plausibility(utf16[n]), 2), zeros[n]))
        if _plausibility(utf16[best]) >= _MIN_PLAUSIBILITY:
            return utf16[best], best
        raise DecodeFailure("looks binary (contains NUL bytes); give kg a text file (.txt/.md/.jsonl/.csv)")
    if candidates:
        # Rank by plausibility; on a tie keep the order of _CHINESE_ENCODINGS
        # (GB18030 first: short GBK text also decodes as Big5 and UTF-16).
        order = {name: i for i, name in enumerate(_CHINESE_ENCODINGS)}
        best = max(candidates, key=lambda n: (round(_plausibility(candidates[n]), 2), -order[n]))
        if _plausibility(candidates[best]) >= _MIN_PLAUSIBILITY:
            return candidates[best], best
    # Not Chinese in any encoding we expect: let charset-normalizer try the rest.
    from charset_normalizer import from_bytes

    match = from_bytes(data).best()
    if match is not None:
        text = str(match)
        if _plausibility(text, chinese=False) >= _MIN_PLAUSIBILITY:
            return text, match.encoding
    for name in ("utf_8", "gb18030"):
        damaged = data.decode(name, errors="replace")
        bad = damaged.count("\ufffd")
        if bad and bad <= max(3, len(damaged) // 200) and _plausibility(damaged) >= _MIN_PLAUSIBILITY:
            try:
                data.decode(name)
            except UnicodeDecodeError as exc:
                line = data[: exc.start].count(b"\n") + 1
                raise DecodeFailure(
                    f"{name} text with {bad} damaged byte sequence(s), the first at line {line}; "
                    "repair the file or re-save it as UTF-8"
                ) from None
    raise DecodeFailure(
        "cannot tell the text encoding (not UTF-8, GB18030/GBK, Big5 or UTF-16); "
        "re-save it as UTF-8 or pass --encoding"
    )


def _plausibility(text: str, *, chinese: bool = True) -> float:
    """Share of characters that ordinary (Chinese) news text is made of.

    >>> _plausibility("本报讯 工会开展活动。")
    1.0
    """
    if not text:
        return 0.0
    common = _common_hanzi()
    ok = 0
    for ch in text:
        if ch < "\x7f":
            ok += not _is_bad_control(ch)
        elif ch in common or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef" or "\u2010" <= ch <= "\u2027":
            ok += 1
        elif not chinese and unicodedata.category(ch)[0] in "LNPZS" and not "\ue000" <= ch <= "\uf8ff":
            ok += 1
    return ok / len(text)


@lru_cache(maxsize=1)
def _common_hanzi() -> frozenset[str]:
    """GB2312 (all simplified hanzi of daily use) plus Big5 level 1 (common traditional)."""
    chars: set[str] = set()
    for lead in range(0xB0, 0xF8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    for code in range(0xA440, 0xC67F):
        try:
            chars.add(code.to_bytes(2, "big").decode("big5"))
        except UnicodeDecodeError:
            pass
    return frozenset(chars)


# --------------------------------------------------------------------------- walking paths


def _iter_files(
    paths: Iterable[Path | str], exclude: Iterable[Path | str] = ()
) -> Iterator[tuple[Path, bool] | InputProblem]:
    """Files to read, in a deterministic order; ``(path, explicitly named)``."""
    seen: set[Path] = set()
    skip = {Path(p).resolve() for p in exclude}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files: list[Path] = []
            for dirpath, dirnames, filenames in os.walk(path):
                # Hidden folders and files (.git, .DS_Store) are not input.
                dirnames[:] = [
                    d for d in dirnames if not d.startswith(".") and (Path(dirpath) / d).resolve() not in skip
                ]
                files.extend(
                    Path(dirpath) / name
                    for name in filenames
                    if not name.startswith(".") and Path(name).suffix.lower() in SUFFIXES
                )
            # Sorted by path components, so a folder's files come in the same
            # order on every machine and file system.
            for file in sorted(files, key=lambda f: f.relative_to(path).parts):
                key = file.resolve()
                if key not in seen:
                    seen.add(key)
                    yield file, False
            if not files:
                yield InputProblem(
                    path=str(path),
                    message="no .txt, .md, .jsonl or .csv files in this folder; point kg at the articles",
                )
        elif path.is_file():
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                yield path, True
        else:
            yield InputProblem(path=str(path), message="no such file or folder; check the path")


def read_documents(
    paths: Iterable[Path | str],
    *,
    options: ReaderOptions | None = None,
    exclude: Iterable[Path | str] = (),
) -> Iterator[Document | InputProblem]:
    """Read files and folders (recursively, sorted) into documents and problems.

    Folders yield their ``.txt``, ``.md``, ``.jsonl`` and ``.csv`` files and
    skip anything else, and skip the folders in *exclude* (``kg extract``
    excludes its own ``--out``, whose ``.jsonl`` files are not articles); a
    file named explicitly with another extension is a problem. A second
    document with an already used ``doc_id`` is skipped with a problem.
    """
    options = options or ReaderOptions()
    first_path: dict[str, str] = {}
    for entry in _iter_files(paths, exclude):
        if isinstance(entry, InputProblem):
            yield entry
            continue
        path, explicit = entry
        suffix = path.suffix.lower()
        if suffix in TEXT_SUFFIXES:
            items: Iterable[tuple[Document, int | None] | InputProblem] = [_read_text_file(path, options)]
        elif suffix == ".jsonl":
            items = _read_jsonl(path, options)
        elif suffix == ".csv":
            items = _read_csv(path, options)
        else:
            if explicit:
                yield InputProblem(
                    path=str(path),
                    message=f"unsupported file type {suffix or '(no extension)'!r}; "
                    "give kg .txt/.md articles or .jsonl/.csv records",
                )
            continue
        for item in items:
            if isinstance(item, InputProblem):
                yield item
                continue
            doc, line = item
            if doc.doc_id in first_path:
                yield InputProblem(
                    path=doc.path,
                    line=line,
                    message=f"duplicate document id {doc.doc_id!r} (first read from "
                    f"{first_path[doc.doc_id]}); skipped: rename the file or give the record a unique id",
                )
                continue
            first_path[doc.doc_id] = doc.path if line is None else f"{doc.path}:{line}"
            yield doc


def _read_bytes(path: Path, options: ReaderOptions) -> str | InputProblem:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return InputProblem(path=str(path), message=f"cannot read ({exc.strerror}); check the permissions")
    if not data.strip():
        return InputProblem(path=str(path), message="empty file; nothing to read (remove it or add the article)")
    try:
        text, _ = decode_bytes(data, encoding=options.encoding)
    except DecodeFailure as exc:
        return InputProblem(path=str(path), message=f"skipped: {exc}")
    if not text.strip():
        return InputProblem(path=str(path), message="empty file (only white space); nothing to read")
    return text


# --------------------------------------------------------------------------- .txt / .md


def _read_text_file(path: Path, options: ReaderOptions) -> tuple[Document, None] | InputProblem:
    text = _read_bytes(path, options)
    if isinstance(text, InputProblem):
        return text
    title, date = head_of_article(text, markdown=path.suffix.lower() == ".md")
    doc = Document(doc_id=path.stem, text=text, title=title, date=date, source=_source_line(text), path=str(path))
    return doc, None


def head_of_article(text: str, *, markdown: bool = False) -> tuple[str, str]:
    """Title and date of a web article: a title line, a date line, a blank line, the body.

    The title is the first non-empty line unless it is a date or too long to be
    a title; the date is a date-looking line among the first lines, as ISO.

    >>> head_of_article("区总工会开展送清凉活动\\n2025-07-24\\n\\n本报讯 ……")
    ('区总工会开展送清凉活动', '2025-07-24')
    >>> head_of_article("2024年11月3日\\n\\n本报讯 ……")
    ('', '2024-11-03')
    """
    head = [line.strip() for line in text.split("\n", 40)[:40] if line.strip()][:_HEAD_LINES]
    title = date = ""
    for i, line in enumerate(head):
        m = _DATE_LINE.match(line)
        if m and not date:
            date = f"{m['y']}-{int(m['m']):02d}-{int(m['d']):02d}"
            continue
        if i == 0:
            candidate = line.lstrip("#").strip() if markdown else line
            # a first line that is a whole sentence is the body, not a title
            if len(candidate) <= 80 and not candidate.endswith(("。", "；", "：")):
                title = candidate
    return title, date


def _source_line(text: str) -> str:
    """The ``来源：…`` line at the end of a web article, if any."""
    for line in reversed(text.rstrip().split("\n")[-3:]):
        m = _SOURCE_LINE.match(line)
        if m:
            return m["source"]
    return ""


# --------------------------------------------------------------------------- records


def _record_document(
    path: Path, line: int, record: dict[str, object], options: ReaderOptions
) -> tuple[Document, int] | InputProblem:
    def field(name: str) -> str:
        value = record.get(name)
        if value is None:
            return ""
        return value if isinstance(value, str) else str(value)

    body = record.get(options.text_field)
    if not isinstance(body, str) or not body.strip():
        fields = ", ".join(sorted(map(str, record))) or "none"
        return InputProblem(
            path=str(path),
            line=line,
            message=f"no text in field {options.text_field!r} (fields: {fields}); skipped: "
            "fill it in or name the text field with --text-field",
        )
    title = field(options.title_field).strip()
    doc_id = field(options.id_field).strip() or f"{path.stem}-{line}"
    text = f"{title}\n\n{body}" if title else body
    doc = Document(
        doc_id=doc_id,
        text=text,
        title=title,
        date=field(options.date_field).strip(),
        source=field(options.source_field).strip(),
        path=str(path),
    )
    return doc, line


def _read_jsonl(path: Path, options: ReaderOptions) -> Iterator[tuple[Document, int] | InputProblem]:
    text = _read_bytes(path, options)
    if isinstance(text, InputProblem):
        yield text
        return
    # split("\n"), not splitlines(): a JSON line may hold U+2028 and friends.
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputProblem(
                path=str(path), line=lineno, message=f"not valid JSON ({exc.msg}, column {exc.colno}); fix or remove the line"
            )
            continue
        if not isinstance(record, dict):
            yield InputProblem(
                path=str(path), line=lineno, message="not a JSON object; write one {\"id\": …, \"text\": …} per line"
            )
            continue
        yield _record_document(path, lineno, record, options)


def _read_csv(path: Path, options: ReaderOptions) -> Iterator[tuple[Document, int] | InputProblem]:
    text = _read_bytes(path, options)
    if isinstance(text, InputProblem):
        yield text
        return
    header_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error):
        yield InputProblem(path=str(path), line=1, message="no header row; the first row must name the columns")
        return
    if options.text_field not in header:
        yield InputProblem(
            path=str(path),
            line=1,
            message=f"no column {options.text_field!r} (columns: {', '.join(header)}); "
            "name the text column with --text-field",
        )
        return
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield InputProblem(path=str(path), line=start, message=f"broken CSV row ({exc}); fix the quoting")
            break
        if any(cell.strip() for cell in row):
            record = dict(zip(header, row, strict=False))
            yield _record_document(path, start, record, options)
        start = reader.line_num + 1
