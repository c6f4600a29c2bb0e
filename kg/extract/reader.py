"""Files and folders → :class:`~kg.models.Document` (or :class:`~kg.models.InputProblem`).

``.txt``/``.md`` files are one document each; every record of a ``.jsonl`` or
``.csv`` file is one document whose text is its title, a blank line and its
text. Bad input never stops the run: it becomes an ``InputProblem`` that names
the file (and line) and says what to do, and reading goes on.

The text is kept exactly as decoded (only a leading byte-order mark is
dropped): every character offset of the pipeline refers to it.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.extract.decode import DecodeFailure, decode_bytes
from kg.models import Document, InputProblem, ReaderOptions

__all__ = ["TEXT_SUFFIXES", "RECORD_SUFFIXES", "read_documents", "decode_bytes", "DecodeFailure"]

TEXT_SUFFIXES = frozenset({".txt", ".md"})
RECORD_SUFFIXES = frozenset({".jsonl", ".csv"})
SUFFIXES = TEXT_SUFFIXES | RECORD_SUFFIXES

_DATE_LINE = re.compile(
    r"^\s*(?:(?:发布|日期|时间|发布时间|发布日期)[:：]\s*)?"
    r"(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*\d{1,2}[:：]\d\d(?:[:：]\d\d)?)?"
    r"(?:\s+.{0,30})?\s*$"
)
_SOURCE_LINE = re.compile(r"^\s*来源[:：]\s*(?P<source>\S.{0,40}?)\s*$")
#: how many non-empty lines at the top may hold the title and the date
_HEAD_LINES = 3


# --------------------------------------------------------------------------- walking paths


def _real(path: Path) -> Path | None:
    """The real path of *path*, or None when it cannot be resolved (a symlink loop)."""
    try:
        return Path(os.path.realpath(path, strict=True))
    except (OSError, RuntimeError):
        return None


def _walk(
    root: Path, skip: set[Path], problems: list[InputProblem]
) -> list[Path]:
    """Input files under *root*, following links to folders but never into a loop."""
    files: list[Path] = []

    def unreadable(exc: OSError) -> None:
        problems.append(InputProblem(
            path=str(exc.filename or root),
            message=f"cannot read this folder ({exc.strerror}); its files are skipped: check the permissions",
        ))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable, followlinks=True):
        here = Path(dirpath)
        ancestors = {_real(p) for p in [here, *here.parents] if p == root or root in p.parents}
        keep = []
        for d in dirnames:
            # Hidden folders and files (.git, .DS_Store) are not input.
            if d.startswith("."):
                continue
            real = _real(here / d)
            if real is None or real in ancestors:
                problems.append(InputProblem(
                    path=str(here / d),
                    message="a symlink loop (it leads back to a folder being read); skipped: remove the link",
                ))
                continue
            if real not in skip:
                keep.append(d)
        dirnames[:] = keep
        files.extend(
            here / name for name in filenames if not name.startswith(".") and Path(name).suffix.lower() in SUFFIXES
        )
    return files


def _iter_files(
    paths: Iterable[Path | str], exclude: Iterable[Path | str] = ()
) -> Iterator[tuple[Path, bool] | InputProblem]:
    """Files to read, in a deterministic order; ``(path, explicitly named)``."""
    seen: set[Path] = set()
    skip = {p for p in (_real(Path(x)) for x in exclude) if p is not None}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            problems: list[InputProblem] = []
            files = _walk(path, skip, problems)
            yield from problems
            # Sorted by path components, so a folder's files come in the same
            # order on every machine and file system.
            for file in sorted(files, key=lambda f: f.relative_to(path).parts):
                key = _real(file) or file  # a file in a symlink loop is reported when it is read
                if key not in seen:
                    seen.add(key)
                    yield file, False
            if not files and not problems:
                yield InputProblem(
                    path=str(path),
                    message="no .txt, .md, .jsonl or .csv files in this folder; point kg at the articles",
                )
        elif path.is_file():
            key = _real(path) or path
            if key not in seen:
                seen.add(key)
                yield path, True
        elif os.path.islink(path):
            yield InputProblem(path=str(path), message="a broken link or a symlink loop; check where it points")
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
            items: Iterable[tuple[Document, int | None] | InputProblem] = _read_text_file(path, options)
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


def _os_problem(path: Path, exc: OSError) -> InputProblem:
    """Why a file cannot be read, and what to do about it."""
    if exc.errno == errno.ELOOP:
        return InputProblem(path=str(path), message="a symlink loop; skipped: remove or fix the link")
    if exc.errno == errno.ENOENT:
        return InputProblem(path=str(path), message="vanished or a broken link; skipped: check where it points")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return InputProblem(path=str(path), message=f"cannot read ({exc.strerror}); skipped: check the permissions")
    return InputProblem(path=str(path), message=f"cannot read ({exc.strerror or exc}); skipped: check the file")


def _read_stable(path: Path) -> bytes | InputProblem:
    """The bytes of *path*, or a problem when it cannot be read or changes while being read."""
    try:
        with open(path, "rb") as fh:
            before = os.fstat(fh.fileno())
            data = fh.read()
            after = os.fstat(fh.fileno())
    except OSError as exc:
        return _os_problem(path, exc)
    if stat.S_ISREG(before.st_mode) and (
        (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or len(data) != after.st_size
    ):
        return InputProblem(
            path=str(path),
            message="changed while being read (another program is writing it); skipped: "
            "run kg again when the file is complete",
        )
    return data


def _read_bytes(path: Path, options: ReaderOptions) -> tuple[str | None, list[InputProblem]]:
    """The decoded text of *path* (None when unusable) and the problems met reading it."""
    data = _read_stable(path)
    if isinstance(data, InputProblem):
        return None, [data]
    if not data.strip():
        return None, [InputProblem(path=str(path), message="empty file; nothing to read (remove it or add the article)")]
    warnings: list[InputProblem] = []
    try:
        text, _ = decode_bytes(data, encoding=options.encoding)
    except DecodeFailure as exc:
        text = _without_nuls(data, options) if b"\x00" in data else None
        if text is None:
            return None, [InputProblem(path=str(path), message=f"skipped: {exc}")]
        warnings.append(InputProblem(
            path=str(path),
            line=data[: data.index(b"\x00")].count(b"\n") + 1,
            message=f"{data.count(0)} NUL byte(s) in the text (the first on this line) were dropped and the "
            "rest was read; remove them from the file to silence this warning",
        ))
    if not text.strip():
        return None, [*warnings, InputProblem(path=str(path), message="empty file (only white space); nothing to read")]
    return text, warnings


def _without_nuls(data: bytes, options: ReaderOptions) -> str | None:
    """Text with NUL bytes in it (a damaged export): the text without them, if that is plain UTF-8 text."""
    try:
        text, name = decode_bytes(data.replace(b"\x00", b""), encoding=options.encoding)
    except DecodeFailure:
        return None
    return text if options.encoding or name == "utf_8" else None


# --------------------------------------------------------------------------- .txt / .md


def _read_text_file(path: Path, options: ReaderOptions) -> Iterator[tuple[Document, None] | InputProblem]:
    text, problems = _read_bytes(path, options)
    yield from problems
    if text is None:
        return
    title, date = head_of_article(text, markdown=path.suffix.lower() == ".md")
    yield Document(doc_id=path.stem, text=text, title=title, date=date, source=_source_line(text), path=str(path)), None


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
        if value is None or isinstance(value, (dict, list)):
            return ""  # a nested value is not a title, date or id
        return _no_surrogates(value if isinstance(value, str) else str(value))

    body = record.get(options.text_field)
    if isinstance(body, str):
        body = _no_surrogates(body)
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


def _no_surrogates(value: str) -> str:
    """*value* with lone surrogates (``"\\ud800"`` escapes in JSON, never text) as U+FFFD, same length."""
    return _SURROGATE.sub("\ufffd", value)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _read_jsonl(path: Path, options: ReaderOptions) -> Iterator[tuple[Document, int] | InputProblem]:
    text, problems = _read_bytes(path, options)
    yield from problems
    if text is None:
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
        except RecursionError:
            yield InputProblem(
                path=str(path), line=lineno,
                message="JSON nested too deeply to read; skipped: write one flat {\"id\": …, \"text\": …} per line",
            )
            continue
        except (ValueError, MemoryError) as exc:  # e.g. an integer of more digits than Python converts
            yield InputProblem(path=str(path), line=lineno, message=f"unreadable JSON ({exc}); fix or remove the line")
            continue
        if not isinstance(record, dict):
            yield InputProblem(
                path=str(path), line=lineno, message="not a JSON object; write one {\"id\": …, \"text\": …} per line"
            )
            continue
        yield _record_document(path, lineno, record, options)


def _read_csv(path: Path, options: ReaderOptions) -> Iterator[tuple[Document, int] | InputProblem]:
    text, problems = _read_bytes(path, options)
    yield from problems
    if text is None:
        return
    _unlimited_csv_fields()
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
    rows = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            rows += 1
            yield InputProblem(path=str(path), line=start, message=f"broken CSV row ({exc}); skipped: fix the quoting")
            if reader.line_num < start:
                break  # no progress: nothing more can be read
            start = reader.line_num + 1
            continue
        if any(cell.strip() for cell in row):
            rows += 1
            record = dict(zip(header, row, strict=False))
            yield _record_document(path, start, record, options)
        start = reader.line_num + 1
    if not rows:
        yield InputProblem(path=str(path), line=1, message="a header row and no articles; nothing to read")


def _unlimited_csv_fields() -> None:
    """Let a CSV field be as long as the text it holds (a whole newspaper issue): the csv
    module's default limit of 131,072 characters made a long record a "broken row"."""
    if csv.field_size_limit() < sys.maxsize:
        csv.field_size_limit(sys.maxsize)
