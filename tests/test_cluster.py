"""`--scheduler`: the per-document work on a real Dask cluster (kg/extract/cluster.py).

A scheduler and two worker processes are started with the `dask` command
(`dask scheduler`, `dask worker --no-nanny`) on free ports of 127.0.0.1 and always
stopped afterwards. The dev corpus goes through them and must give files
byte-identical to a local run; one worker is SIGKILLed in the middle of a run and
every document must still come back exactly once, in order, with the local results.
Timeouts are generous: the machine may be small and busy.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO
from kg.cli import app
from kg.errors import ClusterError
from kg.extract.parallel import ParallelAnalyser, analyser, extract
from kg.extract.pipeline import write_extraction
from kg.extract.reader import read_documents
from kg.models import Document
from kg.resources import package_data

distributed = pytest.importorskip("distributed")  # in the `test` extra: CI always has it

runner = CliRunner()
START_TIMEOUT = 180.0  # seconds for a scheduler and its workers to be up on a loaded machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """A `dask scheduler` and its `dask worker` processes, started from the command line."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.scheduler: subprocess.Popen[bytes] | None = None
        self.workers: list[subprocess.Popen[bytes]] = []
        # the workers import kg from this checkout, whatever is installed
        self.env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}

    def _spawn(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{name}.log").open("wb")
        return subprocess.Popen([sys.executable, "-m", "dask", *args], stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, env=self.env, start_new_session=True)

    def start(self, workers: int) -> None:
        self.scheduler = self._spawn("scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(self.port),
                                     "--no-dashboard")
        for i in range(workers):
            self.workers.append(self._spawn(f"worker{i}", "worker", self.address, "--nworkers", "1", "--nthreads", "1",
                                            "--no-nanny", "--no-dashboard", "--name", f"kg-test-{i}",
                                            "--death-timeout", str(START_TIMEOUT)))
        self.wait_for_workers(workers)

    def client(self) -> "distributed.Client":
        return distributed.Client(self.address, timeout=START_TIMEOUT, set_as_default=False)

    def wait_for_workers(self, n: int, *, exactly: bool = False) -> None:
        with self.client() as client:
            if not exactly:
                client.wait_for_workers(n, timeout=START_TIMEOUT)
                return
            deadline = time.monotonic() + START_TIMEOUT
            while len(client.scheduler_info(n_workers=-1)["workers"]) != n:
                assert time.monotonic() < deadline, f"the scheduler still lists workers other than {n}:\n{self.log_text()}"
                time.sleep(0.5)

    def work_of(self, name: str) -> set[str]:
        """The chunks of a run the worker called *name* is running, or holds the results of."""
        with self.client() as client:
            address = next(a for a, w in client.scheduler_info(n_workers=-1)["workers"].items() if w["name"] == name)
            keys = {*client.processing([address]).get(address, ()), *client.has_what([address]).get(address, ())}
        return {str(k) for k in keys if str(k).startswith("kg-extract-")}

    def log_text(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(self.logs.glob("*.log")))

    def stop(self) -> None:
        """Workers first (a worker whose scheduler went first waits for it to come back), then the scheduler."""
        for group in (self.workers, [self.scheduler] if self.scheduler else []):
            for proc in group:
                if proc.poll() is None:
                    proc.terminate()
            for proc in group:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=30)


@pytest.fixture()
def start_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[int], Cluster]]:
    """Start clusters of N workers; every process is stopped at the end of the test, failed or not."""
    started: list[Cluster] = []

    def start(workers: int) -> Cluster:
        cluster = Cluster(tmp_path_factory.mktemp("dask"))
        started.append(cluster)
        cluster.start(workers)
        return cluster

    try:
        yield start
    finally:
        for cluster in started:
            cluster.stop()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A scheduler and two workers shared by the tests that do not kill any."""
    started = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        started.start(2)
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def local_output(dev_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dev corpus extracted here, in one process: the reference output."""
    out = tmp_path_factory.mktemp("local")
    write_extraction(extract([dev_dir / "corpus"]), out)
    return out


def same_files(a: Path, b: Path, names: tuple[str, ...] = ("documents.jsonl", "entities.jsonl", "triples.jsonl")) -> None:
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), f"{name} differs"


def test_cluster_extract_and_build_match_a_local_run(cluster: Cluster, dev_dir: Path, local_output: Path,
                                                     tmp_path: Path) -> None:
    out = tmp_path / "dask"
    result = runner.invoke(app, ["extract", str(dev_dir / "corpus"), "--out", str(out), "--scheduler", cluster.address])
    assert result.exit_code == 0, result.output + cluster.log_text()
    same_files(out, local_output)

    example = package_data("example")
    for name, extra in (("here", []), ("dask", ["--scheduler", cluster.address])):
        result = runner.invoke(app, ["build", str(example), "--out", str(tmp_path / f"build-{name}"), "-q", *extra])
        assert result.exit_code == 0, result.output
    same_files(tmp_path / "build-here", tmp_path / "build-dask", ("triples.jsonl", "graph.json", "inventory.csv"))


def test_cluster_bench_measures_one_and_two_workers(cluster: Cluster) -> None:
    # a tiny corpus: this checks the command works, not the speed
    args = ["bench", "extract", "--corpus", str(package_data("example")), "--size-mb", "0.02", "--workers", "1,2",
            "--scheduler", cluster.address]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = [line.split()[:2] for line in result.stdout.splitlines() if line.startswith("dask ")]
    assert rows == [["dask", "1"], ["dask", "2"]]
    assert "2 workers / 1: " in result.stdout
    result = runner.invoke(app, args[:-4] + ["--workers", "3", "--scheduler", cluster.address])
    assert result.exit_code == 1 and "has 2 worker(s), --workers asks for 3" in result.stderr


def test_cluster_worker_killed_mid_run_loses_and_repeats_nothing(
    start_cluster: Callable[[int], Cluster], dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.extract.parallel

    docs = [d for d in read_documents([dev_dir / "corpus"]) if isinstance(d, Document)]
    with ParallelAnalyser(1) as here:
        expected = list(here.map(docs))
    cluster = start_cluster(2)
    monkeypatch.setattr(kg.extract.parallel, "CHUNK_DOCS", 2)  # many small chunks: the kill lands mid-run
    got = []
    held: set[str] = set()
    with analyser(scheduler=cluster.address) as pool:
        for item in pool.map(docs):
            got.append(item)
            if len(got) == 1:  # the generator waits here: no chunk is collected until the kill is done
                for i, victim in enumerate(cluster.workers):  # a worker running, or holding, chunks of the run
                    held = cluster.work_of(f"kg-test-{i}")
                    if held:
                        break
                os.kill(victim.pid, signal.SIGKILL)
                victim.wait(timeout=60)
                cluster.wait_for_workers(1, exactly=True)  # the scheduler saw it go: what it held must run again
    assert len(got) > 1, "the run ended before a worker was killed"
    assert held, "no worker had a chunk of the run to lose"
    assert [d.doc_id for d, *_ in got] == [d.doc_id for d in docs]  # each once, in input order
    assert got == expected, cluster.log_text()


def test_cluster_failing_extractor_is_an_error_naming_the_document(cluster: Cluster, tmp_path: Path) -> None:
    import functools

    from kg.errors import ExtractionFailed
    from kg.extract.extractors import _learned_from

    broken = functools.partial(_learned_from, tmp_path / "no-models-here")  # fails on the worker, not here
    docs = [Document(doc_id="d1", text="甲市总工会开展“乙丙行动”。", path="in/d1.txt")]
    with analyser(scheduler=cluster.address, analyse=broken) as pool:
        with pytest.raises(ExtractionFailed, match=r"'d1' \(in/d1.txt\).*ModelError.*bug in kg"):
            list(pool.map(docs))


def test_cluster_unreachable_scheduler_is_one_line_saying_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("甲市总工会开展“乙丙行动”。", encoding="utf-8")
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    result = runner.invoke(app, ["extract", str(tmp_path), "--out", str(tmp_path / "out"), "--scheduler", address])
    assert result.exit_code == 1
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("error: cannot reach the Dask scheduler at " + address) and "dask worker" in message
    assert not (tmp_path / "out").exists()


def test_cluster_address_that_is_no_address_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ClusterError, match="tcp://HOST:PORT"):
        analyser(scheduler="no-port-here")


def test_title_order_does_not_depend_on_the_hash_seed() -> None:
    """Workers are other processes with other hash seeds: the learned extractor picks the first title of
    this order found between a person and a body, so equal lengths must not keep a set's order."""
    outputs = []
    for seed in ("1", "2", "3"):
        code = "from kg.extract.lexicon import lexicon; print(lexicon().titles)"
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
        outputs.append(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                      check=True, timeout=120).stdout)
    assert outputs[0] and outputs.count(outputs[0]) == 3
