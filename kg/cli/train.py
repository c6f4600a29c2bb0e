"""``kg train``: train the learned extractor on gold annotations; ``kg eval --cv`` lives in kg/cli/evaluate.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from kg.cli.common import fail, kg_errors, progress_bar, say, warn

# Library modules are imported inside the commands: start-up stays fast (see kg/cli/__init__.py).


def read_gold_and_corpus(gold: Path, corpus: Path) -> tuple[list, list]:
    """Gold records and the documents they annotate (documents are matched to records by id)."""
    from kg.extract.assemble import read_jsonl
    from kg.extract.reader import read_documents
    from kg.models import GoldRecord, InputProblem

    if not gold.is_file():
        raise fail(f"{gold}: no such gold file; give --gold the path of gold.jsonl", 2)
    if not corpus.exists():
        raise fail(f"{corpus}: no such folder; give --corpus the folder of the annotated articles", 2)
    records, problems = read_jsonl(gold, GoldRecord)
    for problem in problems:
        warn(str(problem))
    docs = []
    for item in read_documents([corpus]):
        if isinstance(item, InputProblem):
            warn(str(item))
        else:
            docs.append(item)
    return records, docs


def train_command(
    gold: Annotated[Path, typer.Option("--gold", help="gold.jsonl with the hand annotations.")],
    corpus: Annotated[Path, typer.Option("--corpus", help="Folder of the annotated articles (file name = doc id).")],
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Model folder to write (default: the shipped models, kg/data/models).")] = None,
    inner_folds: Annotated[int, typer.Option(min=2, help="Inner folds for stacking and thresholds.")] = 4,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no summary.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the training report as JSON on stdout.")] = False,
) -> None:
    """Train the span tagger and the entity and relation scorers on gold annotations.

    Deterministic: the same gold, corpus and code give the same files. The
    learned extractor loads the folder at start-up (`kg extract --models DIR`
    for another folder than the shipped one).
    """
    from dataclasses import asdict

    from kg.extract.learn.model import default_model_dir
    from kg.train import TrainConfig, train

    target = out or default_model_dir()
    with kg_errors():
        records, docs = read_gold_and_corpus(gold, corpus)
        with progress_bar(quiet=quiet) as progress:
            task = progress.add_task("training", total=None)
            report = train(records, docs, target, config=TrainConfig(inner_folds=inner_folds),
                           on_step=lambda m: progress.update(task, description=m))
    if as_json:
        typer.echo(json.dumps(asdict(report), ensure_ascii=False, indent=1))
    if not quiet:
        say(f"trained on {report.documents} documents in {report.seconds:.0f} s: "
            f"{report.entity_rows} entity candidates ({report.entity_positives} right), "
            f"{report.relation_rows} relation instances ({report.relation_positives} right)")
        from kg.extract.learn.decide import RELATION_CUTS

        for kind, values in report.thresholds.items():
            cut = _cut_text(values, report.default_thresholds[kind], RELATION_CUTS if kind == "relations" else {})
            kept = report.rule_passthrough.get(kind) or []
            say(f"{kind}: kept at probability >= {cut}" + (f"; what the rules state is kept for {', '.join(kept)}" if kept else ""))
        say(f"relation instances scored for {', '.join(report.scored_predicates) or 'no predicate'}")
        say(f"written to {report.folder}")


def _cut_text(values: dict[str, float], default: float, lower: dict[str, float]) -> str:
    """The decision cuts as the extractor applies them: per label, or the shared one with the labels
    whose own cut (*lower*, from the decision code) lies below it.

    >>> _cut_text({}, 0.7, {"SUPPORTS": 0.4})
    '0.70 (SUPPORTS 0.40)'
    >>> _cut_text({"RUNS": 0.6}, 0.7, {"SUPPORTS": 0.4})
    'RUNS 0.60'
    >>> _cut_text({}, 0.5, {})
    '0.50'
    """
    if values:
        return ", ".join(f"{k} {v:.2f}" for k, v in values.items())
    below = ", ".join(f"{k} {v:.2f}" for k, v in lower.items() if v < default)
    return f"{default:.2f}" + (f" ({below})" if below else "")


def register(app: typer.Typer, bench_app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("train")(train_command)
