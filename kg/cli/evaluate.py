"""``kg eval``: score an extraction folder against gold annotations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from kg.cli.common import fail, kg_errors, warn

# Library modules are imported inside the commands: start-up stays fast (see kg/cli/__init__.py).


def eval_command(
    gold: Annotated[Optional[Path], typer.Option("--gold", help="gold.jsonl with the hand annotations.")] = None,
    pred: Annotated[Optional[Path], typer.Option("--pred", help="Folder written by `kg extract --out`.")] = None,
    identity: Annotated[
        bool,
        typer.Option("--identity", help="Score identity across articles instead: pairwise merge precision/recall on "
                     "the cross-document test set, and on the alias links of --gold when given."),
    ] = False,
    identity_set: Annotated[
        Optional[Path],
        typer.Option("--identity-set", help="Folder with articles/ and clusters.jsonl (default: the shipped test set)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON on stdout.")] = False,
    docs: Annotated[
        Optional[str], typer.Option(help="Score only these documents: comma-separated ids, or @FILE with one id a line.")
    ] = None,
    split: Annotated[
        Optional[str],
        typer.Option(help="Score only a named part of the gold: 'tune' or 'heldout' (one document in four, by id hash)."),
    ] = None,
    errors: Annotated[
        bool, typer.Option("--errors", help="Also list false positives (+) and false negatives (-) per document.")
    ] = False,
    cv: Annotated[
        Optional[int],
        typer.Option("--cv", min=2, help="K-fold cross-validation over documents instead: train on K-1 folds, extract "
                     "the held-out one, for every fold; the rules alone beside it (needs --gold and --corpus)."),
    ] = None,
    corpus: Annotated[
        Optional[Path], typer.Option("--corpus", help="With --cv: the folder of the annotated articles.")
    ] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="With --cv: folds trained at once.")] = 1,
) -> None:
    """Precision, recall and F1 of entities and triples against gold (matching rule of ONTOLOGY.md).

    Overall, per entity type, per predicate and per document, micro-averaged
    over the gold documents. With --identity: how well names are merged across
    articles (no --pred needed).
    """
    if identity:
        _eval_identity(gold, identity_set, as_json=as_json)
        return
    if cv is not None:
        if gold is None or corpus is None:
            raise fail("--cv needs --gold and --corpus (the annotated articles)", 2)
        _eval_cv(gold, corpus, cv, workers=workers, as_json=as_json)
        return
    if gold is None or pred is None:
        raise fail("give --gold and --pred (or --identity)", 2)
    from kg.evaluate import SPLITS, format_errors, format_report, score, split_docs
    from kg.extract.assemble import read_jsonl
    from kg.models import Entity, GoldRecord, Triple

    if docs and split:
        raise fail("give either --docs or --split, not both", 2)
    if split and split not in SPLITS:
        raise fail(f"unknown --split {split!r}; choose one of {', '.join(SPLITS)}", 2)
    with kg_errors():
        if not gold.is_file():
            raise fail(f"{gold}: no such gold file; give --gold the path of gold.jsonl", 2)
        if not pred.is_dir():
            raise fail(f"{pred}: not a folder; give --pred the --out folder of `kg extract`", 2)
        missing = [n for n in ("entities.jsonl", "triples.jsonl") if not (pred / n).is_file()]
        if missing:
            raise fail(f"{pred}: missing {', '.join(missing)}; run `kg extract PATH --out {pred}` first")
        gold_records, problems = read_jsonl(gold, GoldRecord)
        entities, p2 = read_jsonl(pred / "entities.jsonl", Entity)
        triples, p3 = read_jsonl(pred / "triples.jsonl", Triple)
        for problem in problems + p2 + p3:
            warn(str(problem))
        selected: list[str] | None = None
        if docs:
            if docs.startswith("@"):
                id_file = Path(docs[1:])
                try:
                    raw = id_file.read_text(encoding="utf-8-sig").split()
                except OSError as exc:
                    raise fail(f"{id_file}: cannot read ({exc.strerror}); check the @FILE of --docs", 2) from None
            else:
                raw = docs.split(",")
            selected = [d.strip() for d in raw if d.strip()]
            known = {r.doc_id for r in gold_records}
            unknown = [d for d in selected if d not in known]
            if unknown:
                raise fail(f"--docs: no gold for {', '.join(unknown)}; check the ids against {gold}", 2)
        elif split:
            selected = split_docs([r.doc_id for r in gold_records], split)
        report = score(gold_records, entities, triples, docs=selected)

    if as_json:
        payload = report.model_dump(mode="json")
        if not errors:
            for doc in payload["documents"]:
                doc.pop("false_positives")
                doc.pop("false_negatives")
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    typer.echo(format_report(report))
    if errors:
        typer.echo("")
        typer.echo(format_errors(report))


def _eval_cv(gold: Path, corpus: Path, k: int, *, workers: int, as_json: bool) -> None:
    from kg.cli.common import progress_bar
    from kg.cli.train import read_gold_and_corpus
    from kg.evaluate_cv import cross_validate, format_cv

    with kg_errors():
        records, docs = read_gold_and_corpus(gold, corpus)
        with progress_bar(quiet=False) as progress:
            task = progress.add_task("cross-validating", total=None)
            report = cross_validate(records, docs, k=k, workers=workers,
                                    on_step=lambda m: progress.update(task, description=m))
    if as_json:
        payload = {"folds": report.folds, "documents": report.documents, "fold_sizes": report.fold_sizes,
                   "learned": report.learned.model_dump(mode="json"), "rules": report.rules.model_dump(mode="json")}
        for part in ("learned", "rules"):
            payload[part].pop("documents")
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    typer.echo(format_cv(report))


def _eval_identity(gold: Path | None, identity_set: Path | None, *, as_json: bool) -> None:
    from kg.evaluate_identity import TEST_SET, score_gold, score_test_set
    from kg.extract.assemble import read_jsonl
    from kg.models import GoldRecord

    with kg_errors():
        scores = [score_test_set(identity_set or TEST_SET)]
        if gold is not None:
            if not gold.is_file():
                raise fail(f"{gold}: no such gold file; give --gold the path of gold.jsonl", 2)
            records, problems = read_jsonl(gold, GoldRecord)
            for problem in problems:
                warn(str(problem))
            scores += [score_gold(records, give_aliases=True), score_gold(records, give_aliases=False)]
    if as_json:
        typer.echo(json.dumps([s.model_dump(mode="json") for s in scores], ensure_ascii=False, indent=2))
        return
    for s in scores:
        p = s.pairs
        typer.echo(f"{s.name}: merge precision {p.precision:.3f}, recall {p.recall:.3f} "
                   f"({p.tp} of {p.tp + p.fp} merged pairs right, {p.tp + p.fn} expected; "
                   f"{s.covered}/{s.items} names extracted)")
        for w in s.wrong_merges:
            typer.echo(f"  wrongly merged: {w}")
        for m in s.missed_merges:
            typer.echo(f"  not merged: {m}")


def register(app: typer.Typer, bench_app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("eval")(eval_command)
