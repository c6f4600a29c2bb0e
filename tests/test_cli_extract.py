"""`kg extract`, `kg eval` and `kg bench extract` through typer's CliRunner (stdout and stderr apart)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.models import Document
from kg.resources import package_data

runner = CliRunner()

ARTICLE = "澄湖区总工会开展送清凉活动\n2025-07-18\n\n本报讯 区总工会主席陈海燕带队走访恒锐公司。\n"


def lines(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_cli_extract_example_corpus_exit_0(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["extract", str(package_data("example")), "--out", str(out)])
    assert result.exit_code == 0, result.output
    for name in ("documents", "entities", "triples"):
        assert (out / f"{name}.jsonl").is_file()
    docs = lines(out / "documents.jsonl")
    assert len(docs) >= 6 and {"doc_id", "text", "title", "date", "source", "path"} <= set(docs[0])
    assert "documents: " in result.stderr and "warnings:  0" in result.stderr
    assert result.stdout == ""  # stdout is for data only


def test_cli_extract_bad_input_warns_and_exits_1(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "gbk.txt").write_bytes(ARTICLE.encode("gbk"))
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 50)
    (src / "recs.jsonl").write_text('{"id": "r1", "text": "正文"}\n{broken\n', encoding="utf-8")
    (src / "recs.csv").write_text("id,text\nc1,正文\nc2,\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["extract", str(src), "--out", str(out), "--quiet"])
    assert result.exit_code == 1
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 4
    assert any(f"{src / 'empty.txt'}: empty file" in w for w in warnings)
    assert any(f"{src / 'binary.txt'}: " in w and "binary" in w for w in warnings)
    assert any(f"{src / 'recs.jsonl'}:2: not valid JSON" in w for w in warnings)
    assert any(f"{src / 'recs.csv'}:3: no text" in w for w in warnings)
    assert sorted(d["doc_id"] for d in lines(out / "documents.jsonl")) == ["c1", "gbk", "good", "r1"]


def test_cli_extract_custom_fields(tmp_path: Path) -> None:
    path = tmp_path / "recs.jsonl"
    path.write_text(json.dumps({"uid": "u1", "headline": "标题", "body": "正文"}, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    args = ["extract", str(path), "--out", str(out), "-q", "--id-field", "uid", "--title-field", "headline"]
    result = runner.invoke(app, [*args, "--text-field", "body"])
    assert result.exit_code == 0, result.stderr
    [doc] = lines(out / "documents.jsonl")
    assert (doc["doc_id"], doc["text"]) == ("u1", "标题\n\n正文")


def test_cli_extract_workers_same_output(tmp_path: Path) -> None:
    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}"
        result = runner.invoke(app, ["extract", str(package_data("example")), "--out", str(out), "-q", "-w", workers])
        assert result.exit_code == 0, result.stderr
        outs.append({n: (out / f"{n}.jsonl").read_bytes() for n in ("documents", "entities", "triples")})
    assert outs[0] == outs[1]


@pytest.mark.parametrize("args", [["--workers", "0"], []])
def test_cli_extract_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    # --workers below 1, and a missing --out, are usage errors
    extra = ["--out", str(tmp_path / "o")] if args else []
    result = runner.invoke(app, ["extract", str(package_data("example")), *extra, *args])
    assert result.exit_code == 2


def test_cli_extract_missing_path_exit_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["extract", str(tmp_path / "nope"), "--out", str(tmp_path / "o"), "-q"])
    assert result.exit_code == 1
    assert f"warning: {tmp_path / 'nope'}: no such file or folder" in result.stderr


def test_cli_extract_unwritable_out_exit_1(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(package_data("example")), "--out", str(blocker / "sub"), "-q"])
    assert result.exit_code == 1
    assert "error:" in result.stderr and "--out" in result.stderr


# --------------------------------------------------------------------------- kg eval


@pytest.fixture()
def pred_dir(tmp_path: Path) -> Path:
    """A fictional extraction output and its gold."""
    out = tmp_path / "pred"
    out.mkdir()
    doc = Document(doc_id="d1", text=ARTICLE)
    (out / "documents.jsonl").write_text(doc.model_dump_json() + "\n", encoding="utf-8")
    ents = [
        {"doc_id": "d1", "type": "Union", "name": "澄湖区总工会"},
        {"doc_id": "d1", "type": "Person", "name": "陈海燕"},
        {"doc_id": "d1", "type": "Enterprise", "name": "恒锐"},
    ]
    (out / "entities.jsonl").write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in ents) + "\n", "utf-8")
    trip = {
        "doc_id": "d1",
        "subject": {"type": "Person", "name": "陈海燕"},
        "predicate": "HOLDS_POSITION",
        "object": {"type": "Union", "name": "澄湖区总工会"},
        "evidence": {"sentence": "区总工会主席陈海燕", "start": 22, "end": 31},
        "confidence": 0.9,
        "extractor": "test",
    }
    (out / "triples.jsonl").write_text(json.dumps(trip, ensure_ascii=False) + "\n", encoding="utf-8")
    gold = {
        "doc_id": "d1",
        "entities": [
            {"type": "Union", "name": "常州市澄湖区总工会", "aliases": ["澄湖区总工会"]},
            {"type": "Person", "name": "陈海燕", "aliases": []},
        ],
        "triples": [{"s": "陈海燕", "p": "HOLDS_POSITION", "o": "常州市澄湖区总工会"}],
    }
    (tmp_path / "gold.jsonl").write_text(json.dumps(gold, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def test_cli_eval_text_report(pred_dir: Path) -> None:
    result = runner.invoke(app, ["eval", "--gold", str(pred_dir.parent / "gold.jsonl"), "--pred", str(pred_dir)])
    assert result.exit_code == 0, result.output
    assert "entities   0.667  1.000  0.800" in result.stdout
    assert "HOLDS_POSITION" in result.stdout


def test_cli_eval_json_and_errors(pred_dir: Path) -> None:
    gold = str(pred_dir.parent / "gold.jsonl")
    result = runner.invoke(app, ["eval", "--gold", gold, "--pred", str(pred_dir), "--json"])
    report = json.loads(result.stdout)
    assert report["entities"]["tp"] == 2 and report["triples"]["f1"] == 1.0
    assert "false_positives" not in report["documents"][0]
    result = runner.invoke(app, ["eval", "--gold", gold, "--pred", str(pred_dir), "--errors"])
    assert "+ Enterprise 恒锐" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--docs", "nope"], "no gold for nope"),
        (["--split", "train"], "unknown --split"),
        (["--docs", "d1", "--split", "tune"], "either --docs or --split"),
    ],
)
def test_cli_eval_usage_errors(pred_dir: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["eval", "--gold", str(pred_dir.parent / "gold.jsonl"), "--pred", str(pred_dir), *args])
    assert result.exit_code == 2 and message in result.stderr


def test_cli_eval_missing_prediction_files(tmp_path: Path, pred_dir: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["eval", "--gold", str(pred_dir.parent / "gold.jsonl"), "--pred", str(empty)])
    assert result.exit_code == 1 and "run `kg extract" in result.stderr


def test_cli_eval_docs_from_file(pred_dir: Path, tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("d1\n", encoding="utf-8")
    gold = str(pred_dir.parent / "gold.jsonl")
    result = runner.invoke(app, ["eval", "--gold", gold, "--pred", str(pred_dir), "--docs", f"@{ids}", "--json"])
    assert [d["doc_id"] for d in json.loads(result.stdout)["documents"]] == ["d1"]


# --------------------------------------------------------------------------- kg bench extract


def test_cli_bench_extract_prints_ratios(tmp_path: Path) -> None:
    # a tiny corpus: this checks the command works, not the speed
    result = runner.invoke(
        app, ["bench", "extract", "--corpus", str(package_data("example")), "--size-mb", "0.02", "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "jieba.lcut" in result.stdout and "pipeline" in result.stdout
    assert "ratio" in result.stdout


def test_cli_bench_extract_scaling_prints_seconds_per_mb_and_ratios() -> None:
    # tiny sizes: this checks the command works, not the speed
    args = ["bench", "extract", "--scaling", "--sizes", "0.01,0.02", "--corpus", str(package_data("example")),
            "--extractor", "rules"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = [line.split()[:3] for line in result.stdout.splitlines() if re.match(r"(one line|articles) [\d.]+ MB ", line)]
    assert [r[:3] for r in rows] == [["one", "line", "0.01"], ["one", "line", "0.02"], ["articles", "0.02", "MB"]]
    assert "largest/smallest seconds per MB:" in result.stdout and "one line / articles" in result.stdout
    assert runner.invoke(app, ["bench", "extract", "--scaling", "--sizes", "big"]).exit_code == 2


def test_cli_bench_extract_bad_workers() -> None:
    result = runner.invoke(app, ["bench", "extract", "--workers", "one"])
    assert result.exit_code == 2


def test_cli_extract_rerun_ignores_its_own_output(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(ARTICLE, encoding="utf-8")
    for _ in range(2):
        result = runner.invoke(app, ["extract", str(src), "--out", str(src / "out"), "-q"])
        assert result.exit_code == 0, result.stderr
    assert [d["doc_id"] for d in lines(src / "out" / "documents.jsonl")] == ["a"]
