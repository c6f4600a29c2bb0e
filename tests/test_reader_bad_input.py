"""Bad and big input never loses work: each bad record is a warning naming the file and line,
every other record is read (issue 8). The CLI side (exit code 1, outputs written) is at the end;
a property test feeds arbitrary bytes as .txt/.jsonl/.csv files beside good ones."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kg.cli import app
from kg.extract.parallel import extract
from kg.extract.reader import read_documents
from kg.models import Document, InputProblem

GOOD = "某县总工会开展送清凉活动\n2025-07-18\n\n本报讯 县总工会主席林晓带队走访青禾公司，慰问一线职工。\n"


def read(*paths: Path) -> tuple[list[Document], list[InputProblem]]:
    docs: list[Document] = []
    problems: list[InputProblem] = []
    for item in read_documents(paths):
        (problems if isinstance(item, InputProblem) else docs).append(item)  # type: ignore[arg-type]
    return docs, problems


def record(doc_id: str, text: str = "本报讯 某区总工会慰问环卫工人。") -> str:
    return json.dumps({"id": doc_id, "title": "标题", "text": text}, ensure_ascii=False)


def test_reader_deeply_nested_json_line_is_one_warning(tmp_path: Path) -> None:
    f = tmp_path / "a.jsonl"
    f.write_text("\n".join([record("r1"), "[" * 100_000, "{\"a\": " * 50_000, record("r2")]) + "\n", encoding="utf-8")
    docs, problems = read(f)
    assert [d.doc_id for d in docs] == ["r1", "r2"]
    assert [(p.line, "nested too deeply" in p.message) for p in problems] == [(2, True), (3, True)]


def test_reader_oversized_json_values_are_warnings(tmp_path: Path) -> None:
    f = tmp_path / "a.jsonl"
    f.write_text(
        "\n".join([
            '{"id": ' + "7" * 10_000 + ', "text": "正文"}',  # more digits than Python converts
            record("big", "本报讯 某区总工会开展活动。" * 200_000),  # a 2.6-million-character text
            '{"id": "s", "text": "\\ud800本报讯 某区总工会开展活动。"}',  # a lone surrogate escape
            json.dumps({"id": ["not", "text"], "title": {"a": 1}, "text": "本报讯 某区总工会。"}, ensure_ascii=False),
        ]) + "\n",
        encoding="utf-8",
    )
    docs, problems = read(f)
    assert [p.line for p in problems] == [1] and "fix or remove the line" in problems[0].message
    assert [d.doc_id for d in docs] == ["big", "s", "a-4"]
    assert docs[1].text.startswith("\ufffd本报讯")  # replaced, same length: offsets hold
    assert docs[2].title == ""
    json.dumps(docs[1].text).encode("utf-8")  # writable


def test_reader_csv_field_of_any_size(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    long_text = "本报讯 某市总工会开展“送清凉”活动。" * 20_000  # > 131,072 characters, the csv module's default limit
    f.write_text(f'id,text\nlong,"{long_text}"\nshort,本报讯 某区总工会慰问职工。\n', encoding="utf-8")
    docs, problems = read(f)
    assert problems == []
    assert [d.doc_id for d in docs] == ["long", "short"] and docs[0].text == long_text


def test_reader_nul_bytes_are_dropped_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes("标题\n\n本报讯 某县总工会\x00开展活动。\n第三行\x00\x00。".encode())
    raw_nul = record("r2", "本报讯 甲乙。").replace("甲", "甲\x00")  # a NUL byte in the file, not a \\u0000 escape
    (tmp_path / "b.jsonl").write_bytes((record("r1") + "\n" + raw_nul + "\n").encode())
    docs, problems = read(tmp_path)
    assert [d.doc_id for d in docs] == ["a", "r1", "r2"]
    assert docs[0].text == "标题\n\n本报讯 某县总工会开展活动。\n第三行。"
    assert "\x00" not in docs[2].text
    assert [(Path(p.path).name, p.line) for p in problems] == [("a.txt", 3), ("b.jsonl", 2)]
    assert "3 NUL byte(s)" in problems[0].message and "dropped" in problems[0].message


def test_reader_binary_file_with_nuls_is_still_skipped(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    docs, problems = read(tmp_path)
    assert [d.doc_id for d in docs] == ["good"]
    assert len(problems) == 1 and problems[0].path.endswith("a.txt") and "binary" in problems[0].message


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_reader_unreadable_file_and_folder(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    locked = tmp_path / "locked.txt"
    locked.write_text(GOOD, encoding="utf-8")
    locked.chmod(0)
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "x.txt").write_text(GOOD, encoding="utf-8")
    sub.chmod(0)
    try:
        docs, problems = read(tmp_path)
    finally:
        sub.chmod(0o755)
    assert [d.doc_id for d in docs] == ["good"]
    assert sorted(Path(p.path).name for p in problems) == ["locked.txt", "sub"]
    assert all("permissions" in p.message for p in problems)


def test_reader_broken_link_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    docs, problems = read(tmp_path)
    assert [d.doc_id for d in docs] == ["good"]
    assert [Path(p.path).name for p in problems] == ["gone.txt"] and "broken link" in problems[0].message


def test_reader_symlink_loops_are_warnings(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "inner.txt").write_text(GOOD.replace("林晓", "周岚"), encoding="utf-8")
    (sub / "back").symlink_to(tmp_path)  # a folder that leads back up
    (tmp_path / "self.txt").symlink_to(tmp_path / "self.txt")  # a file link to itself
    linked = tmp_path / "linked"
    linked.symlink_to(sub)  # an ordinary link to a folder is followed; its files are read once
    docs, problems = read(tmp_path)
    assert sorted(d.doc_id for d in docs) == ["good", "inner"]
    assert sorted(Path(p.path).name for p in problems) == ["back", "back", "self.txt"]
    assert all("symlink loop" in p.message for p in problems)
    docs, problems = read(tmp_path / "self.txt")
    assert docs == [] and "broken link or a symlink loop" in problems[0].message


def test_reader_file_changing_while_read(tmp_path: Path) -> None:
    """A file another program keeps appending to is a warning (re-run when it is complete), not a half record."""
    growing = tmp_path / "growing.jsonl"
    growing.write_text((record("x") + "\n") * 200_000, encoding="utf-8")  # about 20 MB: reading takes a while
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    # the writer is another process (as it would be), so it runs beside the reads whatever the GIL does
    appender = (
        "import sys\n"
        "line = sys.argv[2].encode() + b'\\n'\n"
        "with open(sys.argv[1], 'ab', buffering=0) as fh:\n"
        "    while True:\n"
        "        fh.write(line)\n"
    )
    size = growing.stat().st_size
    writer = subprocess.Popen([sys.executable, "-c", appender, str(growing), record("y")])
    try:
        deadline = time.monotonic() + 60
        while growing.stat().st_size == size and time.monotonic() < deadline:  # it has started writing
            time.sleep(0.01)
        for _ in range(50):  # a read that happens to see no change is retried
            docs, problems = read(tmp_path)
            if problems:
                break
    finally:
        writer.kill()
        writer.wait()
    assert [d.doc_id for d in docs] == ["good"]
    assert [Path(p.path).name for p in problems] == ["growing.jsonl"]
    assert "changed while being read" in problems[0].message and "run kg again" in problems[0].message


def test_cli_extract_bad_records_rest_written_exit_1(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    (src / "a.jsonl").write_text("\n".join([record("r1"), "[" * 100_000, record("r2")]) + "\n", encoding="utf-8")
    (src / "b.csv").write_text('id,text\nc1,"' + "本报讯 某区总工会开展活动。" * 15_000 + '"\nc2,本报讯 乙。\n', encoding="utf-8")
    (src / "c.txt").write_bytes("本报讯 某县总工会\x00开展活动。".encode())
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["extract", str(src), "--out", str(out), "--extractor", "rules", "--quiet"])
    assert result.exit_code == 1, result.output
    ids = [json.loads(line)["doc_id"] for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert ids == ["r1", "r2", "c1", "c2", "c", "good"]
    assert f"{src / 'a.jsonl'}:2: JSON nested too deeply" in result.stderr
    assert f"{src / 'c.txt'}:1: 1 NUL byte(s)" in result.stderr


# --------------------------------------------------------------------------- arbitrary bytes

GOOD_FILES = {
    "good1.txt": GOOD.encode("utf-8"),
    "good2.jsonl": (record("good2-a") + "\n" + record("good2-b") + "\n").encode("utf-8"),
    "good3.csv": "id,title,text\ngood3-a,标题,本报讯 某市总工会开展活动。\n".encode(),
}
PIECES = [
    b"", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\n", b"\r\n", b",", b'"', b"{", b"[", b"}", b"]", b":",
    b'{"id": "z", "text": "', b'id,text\n', "本报讯 某区总工会。".encode(), "工会".encode("gbk"), b"\\ud800",
    b"9" * 5000, b"[" * 3000,
]
arbitrary = st.one_of(
    st.binary(max_size=400),
    st.lists(st.one_of(st.sampled_from(PIECES), st.binary(max_size=8)), max_size=40).map(b"".join),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(st.tuples(st.sampled_from([".txt", ".jsonl", ".csv"]), arbitrary), min_size=1, max_size=3))
def test_reader_arbitrary_bytes_never_lose_good_files(tmp_path_factory: pytest.TempPathFactory,
                                                      files: list[tuple[str, bytes]]) -> None:
    folder = tmp_path_factory.mktemp("in")
    for name, data in GOOD_FILES.items():
        (folder / name).write_bytes(data)
    bad_names = []
    for i, (suffix, data) in enumerate(files):
        name = f"x{i}{suffix}"
        (folder / name).write_bytes(data)
        bad_names.append(name)
    result = extract([folder])  # reads and extracts: no exception, whatever the bytes
    ids = {d.doc_id for d in result.documents}
    assert {"good1", "good2-a", "good2-b", "good3-a"} <= ids
    warned = {Path(p.path).name for p in result.problems}
    assert not warned & set(GOOD_FILES)
    for name in bad_names:
        from_file = [d for d in result.documents if Path(d.path).name == name]
        assert from_file or name in warned  # each file gives documents or is named in a warning


def test_reader_csv_with_a_header_and_no_rows_is_named(tmp_path: Path) -> None:
    """A CSV file of only a header (or blank rows) gives no article: a warning names it, the rest is read."""
    (tmp_path / "only_header.csv").write_text("id,text\n\n,\n", encoding="utf-8")
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    docs, problems = read(tmp_path)
    assert [d.doc_id for d in docs] == ["good"]
    assert [(Path(p.path).name, p.line) for p in problems] == [("only_header.csv", 1)]
    assert "no articles" in problems[0].message
