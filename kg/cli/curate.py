"""``kg curate merge|rename|reject|add``: append corrections to the curation file.

Each command appends one entry to ``curation.toml`` (``--file``; by default the
one in the current folder), which ``kg build`` applies when it lies next to
the corpus (or is given with ``--curation``). The file stays plain TOML for
people to review; see :mod:`kg.extract.curation_file`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from kg.cli.common import fail, kg_errors, say

curate_app = typer.Typer(
    help="Correct the graph for good: write merge/rename/reject/add entries to curation.toml "
    "(applied by every `kg build` and `kg load`).",
    no_args_is_help=True,
)

File = Annotated[Path, typer.Option("--file", "-f", help="The curation file to append to (created if missing).")]
Reason = Annotated[str, typer.Option("--reason", "-r", help="Why (kept in the file for reviewers).")]
DEFAULT_FILE = Path("curation.toml")


def _append(path: Path, kind: str, **fields: object) -> None:
    from pydantic import ValidationError

    from kg.extract.curation_file import append_entry
    from kg.models import CurationAdd, CurationMerge, CurationReject, CurationRename

    cls = {"merge": CurationMerge, "rename": CurationRename, "reject": CurationReject, "add": CurationAdd}[kind]
    try:
        entry = cls(**{k: v for k, v in fields.items() if v not in (None, "", ())})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise fail(f"{kind}: {where + ': ' if where else ''}{first['msg']}", 2) from None
    with kg_errors():
        append_entry(path, kind, entry)
    # `kg build` finds curation.toml next to the articles, not in the working folder: say which build applies it
    folder = "this folder" if str(path.parent) in ("", ".") else str(path.parent)
    applies = (f"`kg build` of the articles in {folder} applies it" if path.name == DEFAULT_FILE.name
               else f"`kg build --curation {path}` applies it")
    say(f"{kind} entry added to {path}; {applies} (an entry that matches nothing is reported)")


@curate_app.command("merge")
def merge_cmd(
    into: Annotated[str, typer.Argument(help="The name to keep (canonical name or alias).")],
    names: Annotated[list[str], typer.Argument(help="Names of the entities that are the same one.")],
    type_: Annotated[Optional[str], typer.Option("--type", help="Only entities of this type.")] = None,
    reason: Reason = "",
    file: File = DEFAULT_FILE,
) -> None:
    """INTO and NAMES are one entity: NAMES become aliases of INTO."""
    _append(file, "merge", into=into, names=tuple(names), type=type_, reason=reason)


@curate_app.command("rename")
def rename_cmd(
    name: Annotated[str, typer.Argument(help="The entity (canonical name or alias).")],
    new_name: Annotated[Optional[str], typer.Option("--to", help="Its new name.")] = None,
    new_type: Annotated[Optional[str], typer.Option("--new-type", help="Its new type (e.g. Organization).")] = None,
    type_: Annotated[Optional[str], typer.Option("--type", help="Its type now, when the name fits several.")] = None,
    reason: Reason = "",
    file: File = DEFAULT_FILE,
) -> None:
    """Give an entity another name and/or type; the old name becomes an alias."""
    _append(file, "rename", name=name, new_name=new_name, new_type=new_type, type=type_, reason=reason)


@curate_app.command("reject")
def reject_cmd(
    what: Annotated[list[str], typer.Argument(help="SUBJECT PREDICATE OBJECT (a fact), or one ENTITY name.",
                                              metavar="SUBJECT PREDICATE OBJECT | ENTITY")],
    reason: Annotated[str, typer.Option("--reason", "-r", help="Why (required: kept for reviewers).")] = "",
    type_: Annotated[Optional[str], typer.Option("--type", help="The entity's type (when it is one ENTITY).")] = None,
    file: File = DEFAULT_FILE,
) -> None:
    """Reject a fact (SUBJECT PREDICATE OBJECT) or an entity (ENTITY) for good, with --reason."""
    if len(what) == 1:
        _append(file, "reject", entity=what[0], type=type_, reason=reason)
    elif len(what) == 3:
        _append(file, "reject", subject=what[0], predicate=what[1], object=what[2], reason=reason)
    else:
        raise fail("reject takes SUBJECT PREDICATE OBJECT (a fact) or one ENTITY", 2)


@curate_app.command("add")
def add_cmd(
    subject: Annotated[str, typer.Argument(help="Subject name, e.g. 某某市总工会.")],
    predicate: Annotated[str, typer.Argument(help="Predicate, e.g. SUPPORTS.")],
    object_: Annotated[str, typer.Argument(metavar="OBJECT", help="Object name.")],
    subject_type: Annotated[str, typer.Option("--subject-type", help="Subject type, e.g. Union.")],
    object_type: Annotated[str, typer.Option("--object-type", help="Object type, e.g. Group.")],
    doc: Annotated[Optional[str], typer.Option("--doc", help="Citation: the document id ...")] = None,
    sentence: Annotated[Optional[str], typer.Option("--sentence", help="... and its sentence, as written.")] = None,
    source: Annotated[Optional[str], typer.Option("--source", help="Or a free-text source.")] = None,
    date: Annotated[Optional[str], typer.Option("--date", help="Date of a free-text source (YYYY-MM-DD).")] = None,
    attr: Annotated[list[str], typer.Option("--attr", help="An attribute key=value (program, amount, count, title).")] = [],
    reason: Reason = "",
    file: File = DEFAULT_FILE,
) -> None:
    """Add a fact the extractor missed, with its citation (--doc and --sentence, or --source)."""
    attrs = {}
    for item in attr:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise fail(f"--attr {item!r}: write key=value", 2)
        attrs[key.strip()] = value
    _append(file, "add", subject=subject, subject_type=subject_type, predicate=predicate, object=object_,
            object_type=object_type, doc_id=doc, sentence=sentence, source=source, date=date, attrs=attrs or None,
            reason=reason)


def register(app: typer.Typer, bench_app: typer.Typer) -> None:
    """Add ``kg curate`` to the app."""
    app.add_typer(curate_app, name="curate")
