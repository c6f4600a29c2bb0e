"""kg.publish: one atomic publish step for every product (files and folders).

Products are made under unique temporary names beside their target and
swapped in all or none; a failed swap puts the old products back; two runs
into one folder never share a temporary name; the process umask is never
changed to find out the file mode.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import OutputError
from kg.models import GraphData
from kg.publish import atomic_write, publish, staging
from kg.store.embedded import build_embedded, open_embedded


def _fail_replace_onto(monkeypatch, target: Path, *, source_part: str) -> None:
    """Make a move onto *target* from a path containing *source_part* fail, as an I/O error would."""
    real = os.replace

    def replace(src, dst, *a, **k):
        if Path(dst) == target and source_part in str(src):
            raise OSError(5, "Input/output error")
        return real(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", replace)


def test_publish_atomic_write_leaves_nothing_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"

    def boom(fh) -> None:
        fh.write(b"half")
        raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError):
        atomic_write(target, boom)
    assert list(tmp_path.iterdir()) == []


def test_publish_atomic_write_unwritable_is_output_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="choose a writable output folder"):
        atomic_write(blocker / "out.txt", lambda fh: fh.write(b"x"))


def test_publish_atomic_write_never_changes_the_process_umask(tmp_path: Path, monkeypatch) -> None:
    # Flipping the umask, even for a moment, changes the mode of files other threads create meanwhile.
    old = os.umask(0o027)
    try:
        def no_umask(*_a):
            raise AssertionError("os.umask called: the process umask must not be flipped")

        monkeypatch.setattr(os, "umask", no_umask)
        path = atomic_write(tmp_path / "a.txt", lambda fh: fh.write(b"x"))
        monkeypatch.undo()
        assert path.stat().st_mode & 0o777 == 0o640  # 0o666 less the umask, as open() would make it
    finally:
        os.umask(old)


def test_publish_swaps_named_products_and_leaves_other_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").write_text("old a")
    (out / "gone.txt").write_text("a product this run no longer makes")
    (out / "mine.txt").write_text("the user's")
    with staging(out) as stage:
        (stage / "a.txt").write_text("new a")
        (stage / "db").mkdir()
        (stage / "db" / "f").write_text("new db")
        published = publish(stage, out, ["a.txt", "db", "gone.txt"])
    assert sorted(p.name for p in published) == ["a.txt", "db"]
    assert (out / "a.txt").read_text() == "new a" and (out / "db" / "f").read_text() == "new db"
    assert not (out / "gone.txt").exists() and (out / "mine.txt").read_text() == "the user's"
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "db", "mine.txt"]  # no staging, no backup left


def test_publish_failure_part_way_puts_the_old_products_back(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (out / name).write_text(f"old {name}")
    _fail_replace_onto(monkeypatch, out / "c.txt", source_part=".kg-staging-")
    with pytest.raises(OutputError, match="previous outputs are kept"):
        with staging(out) as stage:
            for name in ("a.txt", "b.txt", "c.txt"):
                (stage / name).write_text(f"new {name}")
            publish(stage, out, ["a.txt", "b.txt", "c.txt"])
    assert {p.name: p.read_text() for p in out.iterdir()} == {n: f"old {n}" for n in ("a.txt", "b.txt", "c.txt")}


def test_publish_staging_folders_are_unique_and_cleaned(tmp_path: Path) -> None:
    with staging(tmp_path / "new") as one, staging(tmp_path / "new") as two:
        assert one != two and one.parent == two.parent == tmp_path / "new"
    assert list((tmp_path / "new").iterdir()) == []
    with pytest.raises(RuntimeError):
        with staging(tmp_path / "fresh"):
            raise RuntimeError("build failed")
    assert not (tmp_path / "fresh").exists()  # created for the build, removed with it


def test_publish_concurrent_publishes_into_one_folder_do_not_mix(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    names = [f"p{i}.txt" for i in range(40)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(tag: str) -> None:
        try:
            with staging(out) as stage:
                for n in names:
                    (stage / n).write_text(tag)
                barrier.wait()
                publish(stage, out, names)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(tag,)) for tag in ("one", "two")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len({(out / n).read_text() for n in names}) == 1  # all from one run, never a mix


# --------------------------------------------------------------------------- the embedded database


def test_publish_embedded_build_leaves_another_runs_temporary_folder_alone(
    tmp_path: Path, fixture_graph_data: GraphData
) -> None:
    # Another kg process (same pid in another container, or a second build in this process)
    # may be building under the name an older version used for every build.
    theirs = tmp_path / f".graph.db.building-{os.getpid()}"
    theirs.mkdir()
    (theirs / "their-work").write_text("in progress")
    build_embedded(fixture_graph_data, tmp_path / "graph.db")
    assert (theirs / "their-work").read_text() == "in progress"
    with open_embedded(tmp_path / "graph.db") as db:
        assert db.marker["relationships"] == 22


def test_publish_embedded_failed_swap_keeps_the_old_database(
    tmp_path: Path, fixture_graph_data: GraphData, monkeypatch
) -> None:
    db_dir = tmp_path / "graph.db"
    build_embedded(fixture_graph_data, db_dir)
    smaller = fixture_graph_data.model_copy(update={"rels": fixture_graph_data.rels[:3]})
    real_rename, real_replace = os.rename, os.replace

    def failing(real):
        def move(src, dst, *a, **k):
            if Path(dst) == db_dir and "building" in str(src):
                raise OSError(5, "Input/output error")
            return real(src, dst, *a, **k)
        return move

    monkeypatch.setattr(os, "rename", failing(real_rename))
    monkeypatch.setattr(os, "replace", failing(real_replace))
    with pytest.raises(OutputError):
        build_embedded(smaller, db_dir)
    monkeypatch.undo()
    with open_embedded(db_dir) as db:
        assert db.marker["relationships"] == 22  # the old database, whole
    assert [p.name for p in tmp_path.iterdir()] == ["graph.db"]


# --------------------------------------------------------------------------- kg extract


def test_publish_extract_leaves_another_runs_temporary_files_alone(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("本报讯 甲市总工会开展“乙丙行动”。", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    theirs = out / "documents.jsonl.tmp"  # the fixed name every run used to write through
    theirs.write_text("another run, half written")
    result = CliRunner().invoke(app, ["extract", str(corpus), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert theirs.read_text() == "another run, half written"
    assert sorted(p.name for p in out.iterdir()) == [
        "documents.jsonl", "documents.jsonl.tmp", "entities.jsonl", "triples.jsonl"]
