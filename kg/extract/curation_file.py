"""The curation file: read ``curation.toml``, find it next to a corpus, append entries to it.

A plain TOML file that a researcher reviews and diffs like any text::

    [[merge]]                       # these names are one entity; `into` keeps its name
    into = "甲市总工会"
    names = ["甲市总"]
    reason = "same body"

    [[rename]]                      # another name and/or type; the old name becomes an alias
    name = "乙公司"
    new_name = "乙科技有限公司"

    [[reject]]                      # a fact ...
    subject = "甲市总工会"
    predicate = "SUPPORTS"
    object = "丙公司"
    reason = "the article says the opposite"

    [[reject]]                      # ... or an entity, with all its facts
    entity = "丁某"
    reason = "a reporter, not a member"

    [[add]]                         # a fact with a citation
    subject = "甲市总工会"
    subject_type = "Union"
    predicate = "RUNS"
    object = "戊行动"
    object_type = "Program"
    doc_id = "a01"                  # a sentence of a loaded document ...
    sentence = "甲市总工会启动戊行动。"
    # source = "phone call with the union office, 2025-03-02"   # ... or a free-text source
    # date = "2025-03-02"

``kg curate`` appends entries at the end, so the researcher's comments and
order stay as written. Field meanings: :mod:`kg.models_curation`.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import BaseModel, ValidationError

from kg.errors import InputError
from kg.publish import atomic_write
from kg.models import CurationAdd, CurationFile, CurationMerge, CurationProblem, CurationReject, CurationRename

__all__ = ["APPLIED_FILE", "CURATION_FILE", "append_entry", "find_curation", "read_curation", "toml_entry"]

#: the researcher's file, next to the corpus
CURATION_FILE = "curation.toml"
#: the copy `kg build` keeps in its output folder, so that `kg load OUT` and `kg diagram --from OUT` apply it too
APPLIED_FILE = "curation.applied.toml"

_KINDS: dict[str, type[BaseModel]] = {
    "merge": CurationMerge, "rename": CurationRename, "reject": CurationReject, "add": CurationAdd,
}
_HEADER = re.compile(r"^\s*\[\[\s*(merge|rename|reject|add)\s*\]\]\s*(?:#.*)?$")


def _entry_lines(text: str) -> dict[str, int]:
    """Line of each ``[[kind]]`` header, keyed ``"kind:index"``."""
    seen: dict[str, int] = {}
    lines: dict[str, int] = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        m = _HEADER.match(line)
        if m:
            kind = m.group(1)
            lines[f"{kind}:{seen.get(kind, 0)}"] = lineno
            seen[kind] = seen.get(kind, 0) + 1
    return lines


def read_curation(path: Path) -> CurationFile:
    """Parse a curation file. A file that is not TOML raises :class:`InputError`
    (naming the line); a bad entry is skipped and listed in ``problems``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the curation file ({exc}); check the path (UTF-8 text)") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc}); fix the file, or run without it") from exc
    lines = _entry_lines(text)
    problems: list[CurationProblem] = []
    for key in data:
        if key not in _KINDS:
            problems.append(CurationProblem(path=str(path), entry=key, message=(
                "unknown section; write [[merge]], [[rename]], [[reject]] or [[add]]")))
    entries: dict[str, list[BaseModel]] = {k: [] for k in _KINDS}
    for kind, cls in _KINDS.items():
        raw = data.get(kind, [])
        if not isinstance(raw, list):
            problems.append(CurationProblem(path=str(path), entry=kind, message=f"write [[{kind}]] tables"))
            continue
        for i, item in enumerate(raw):
            try:
                entries[kind].append(cls.model_validate(item))
            except ValidationError as exc:
                first = exc.errors()[0]
                field = ".".join(str(x) for x in first["loc"]) or "entry"
                problems.append(CurationProblem(path=str(path), line=lines.get(f"{kind}:{i}"), entry=kind,
                                                message=f"skipped: {field}: {first['msg']}"))
    # indices in `lines` must follow the kept entries: renumber after skips
    kept_lines: dict[str, int] = {}
    for kind, cls in _KINDS.items():
        j = 0
        for i, item in enumerate(data.get(kind, []) if isinstance(data.get(kind), list) else []):
            try:
                cls.model_validate(item)
            except ValidationError:
                continue
            if f"{kind}:{i}" in lines:
                kept_lines[f"{kind}:{j}"] = lines[f"{kind}:{i}"]
            j += 1
    return CurationFile(path=str(path), lines=kept_lines, problems=tuple(problems),
                        **{k: tuple(v) for k, v in entries.items()})


def find_curation(paths: Iterable[Path], *, names: Sequence[str] = (APPLIED_FILE, CURATION_FILE)) -> Path | None:
    """The curation file next to the inputs: in a folder given, or beside a file given (first found)."""
    for name in names:
        for p in paths:
            p = Path(p)
            folder = p if p.is_dir() else p.parent
            if (folder / name).is_file():
                return folder / name
    return None


def _toml_value(value: object) -> str:
    """A TOML value: strings as basic strings (JSON escapes are TOML escapes), lists, inline tables.

    >>> _toml_value('a "b"'), _toml_value(["x", "y"]), _toml_value({"program": "甲"})
    ('"a \\\\"b\\\\""', '["x", "y"]', '{program = "甲"}')
    """
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(value)


def toml_entry(kind: str, entry: BaseModel) -> str:
    """One ``[[kind]]`` table with the entry's set fields, in field order."""
    lines = [f"[[{kind}]]"]
    for name, value in entry.model_dump(exclude_defaults=True).items():
        lines.append(f"{name} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def append_entry(path: Path, kind: str, entry: BaseModel) -> Path:
    """Append one entry to the curation file at *path* (created if missing), checked by reading it back."""
    path = Path(path)
    if kind not in _KINDS or not isinstance(entry, _KINDS[kind]):
        raise ValueError(f"not a {kind} entry")
    before = path.read_text(encoding="utf-8-sig") if path.is_file() else ""
    if before and not before.endswith("\n"):
        before += "\n"
    head = "" if before else "# Curation of the graph: applied after extraction by every `kg build` and `kg load`.\n"
    text = before + head + "\n" + toml_entry(kind, entry)
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: the file is not valid TOML ({exc}); fix it before adding entries") from exc
    return atomic_write(path, lambda fh: fh.write(text.encode("utf-8")))
