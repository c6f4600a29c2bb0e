"""Run the per-document work on a Dask distributed cluster, results back in input order.

:class:`ClusterAnalyser` is the cluster twin of
:class:`kg.extract.parallel.ParallelAnalyser`: the same ``map`` over documents,
the same chunks, the same ordered results, so ``kg extract --scheduler
tcp://HOST:8786`` writes byte-identical files to a local run. It is handed the
chunk function and the chunker by :func:`kg.extract.parallel.analyser` (this
module imports nothing of ``parallel``).

- Documents travel to the workers by value, chunk by chunk: the workers need the
  same Python environment (``kg`` importable), not the input files.
- A worker sends back only the entities and triples; the document is paired with
  them again here.
- At most a few chunks per worker thread are in flight, so memory stays bounded.
- Every chunk of a run has its own key (the run's random token and the chunk's
  number). If a worker dies, the scheduler runs its chunks again elsewhere; the
  results are read once per chunk, in chunk order, so nothing is lost or
  repeated. The key is not derived from the content: two runs never share
  results held by the scheduler, and two equal chunks of one run stay two.
- ``scheduler="local"`` starts a Dask cluster of *workers* processes on this
  machine for the run (for trying it out, and for the benchmark).

``distributed`` is imported when a cluster is asked for, so it stays an
optional dependency (``pip install 'union-kg[cluster]'``).
"""

from __future__ import annotations

import uuid
from collections import deque
from concurrent.futures import CancelledError
from collections.abc import Callable, Iterable, Iterator, Sequence
from types import TracebackType
from typing import Any

from kg.errors import ClusterError
from kg.models import Document, Entity, InputProblem, Triple

__all__ = ["LOCAL", "ClusterAnalyser"]

#: the scheduler address that starts a cluster on this machine for the run
LOCAL = "local"
#: chunks in flight per worker thread
IN_FLIGHT = 3
#: seconds to reach the scheduler, and to wait for its first worker
CONNECT_TIMEOUT = 10.0
WORKER_TIMEOUT = 60.0

Analysed = tuple[Document, list[Entity], list[Triple], InputProblem | None]
ChunkFn = Callable[[list[Document]], list[Analysed]]
Chunker = Callable[[Iterable[Document]], Iterator[list[Document]]]


def _run_chunk(fn: ChunkFn, docs: list[Document]) -> list[tuple[list[Entity], list[Triple], InputProblem | None]]:
    """On a worker: the chunk's results without the documents (the client has them)."""
    return [(ents, trips, problem) for _doc, ents, trips, problem in fn(docs)]


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise ClusterError(
            "running on a Dask cluster needs the `distributed` package: pip install 'union-kg[cluster]' "
            "(on this machine and every worker), or drop --scheduler"
        ) from exc
    return distributed


class ClusterAnalyser:
    """Analyse documents on the Dask cluster at *scheduler*; results come in input order.

    Use it as a context manager: the connection is closed (and a ``local``
    cluster stopped) at the end::

        with ClusterAnalyser("tcp://10.0.0.5:8786", run_chunk=..., chunks=...) as pool:
            for doc, entities, triples, problem in pool.map(docs):
                ...

    An unreachable scheduler, a cluster without workers, and a cluster lost
    during the run are :class:`~kg.errors.ClusterError`; a document the
    extractor fails on is the extractor's error (``ExtractionFailed``), as in a
    local run.
    """

    def __init__(
        self,
        scheduler: str,
        *,
        run_chunk: ChunkFn,
        chunks: Chunker,
        workers: int = 1,
        connect_timeout: float = CONNECT_TIMEOUT,
        worker_timeout: float = WORKER_TIMEOUT,
    ) -> None:
        distributed = _distributed()
        self.scheduler = scheduler
        self._run_chunk = run_chunk
        self._chunks = chunks
        self._cluster: Any = None
        self._client: Any = None
        if scheduler != LOCAL:
            try:
                distributed.comm.get_address_host_port(scheduler)
            except ValueError as exc:
                raise ClusterError(
                    f"{scheduler!r} is not a Dask scheduler address: {exc}; give it as tcp://HOST:PORT "
                    f"(the port `dask scheduler` prints, 8786 by default), or `{LOCAL}` to start a cluster here"
                ) from exc
        try:
            if scheduler == LOCAL:
                self._cluster = distributed.LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True,
                    dashboard_address=None, host="127.0.0.1",
                )
                address: Any = self._cluster
            else:
                address = scheduler
            self._client = distributed.Client(address, timeout=connect_timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            self.close()
            raise ClusterError(
                f"cannot reach the Dask scheduler at {scheduler}: {type(exc).__name__}: {exc}; "
                f"check the address (tcp://HOST:PORT), or start one with `dask scheduler` and workers with "
                f"`dask worker {scheduler}`, or drop --scheduler to run here"
            ) from exc
        try:
            self._client.wait_for_workers(1, timeout=worker_timeout)
        except (OSError, TimeoutError) as exc:
            self.close()
            raise ClusterError(
                f"the Dask scheduler at {scheduler} has no workers after {worker_timeout:g} s; start some with "
                f"`dask worker {scheduler} --nthreads 1` in the same Python environment as kg"
            ) from exc

    def __enter__(self) -> "ClusterAnalyser":
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self, *, interrupted: bool = False) -> None:
        """Drop the run's remaining work, close the connection and stop a ``local`` cluster."""
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def worker_threads(self) -> dict[str, int]:
        """Each worker's address and its number of threads, in a stable order."""
        info = self._client.scheduler_info(n_workers=-1)["workers"]
        return {address: int(w.get("nthreads", 1)) for address, w in sorted(info.items())}

    def wait_ready(self, on: Sequence[str] | None = None) -> None:
        """Let every worker (or those *on*) load the extractor (benchmarks: keep start-up out of the timing)."""
        warm = [Document(doc_id="warm-up", text="本报讯 某市总工会开展“送清凉”活动。")]
        futures = [self._client.submit(_run_chunk, self._run_chunk, warm, workers=[address], allow_other_workers=False,
                                       key=f"kg-warm-up-{uuid.uuid4().hex}")
                   for address in on or list(self.worker_threads())]
        self._client.gather(futures)

    def map(self, docs: Iterable[Document], *, on: Sequence[str] | None = None) -> Iterator[Analysed]:
        """Analyse *docs* on the cluster (on the workers at the addresses *on* only, if given); input order."""
        distributed = _distributed()
        token = uuid.uuid4().hex
        pending: deque[tuple[list[Document], Any]] = deque()
        restrict: dict[str, Any] = {"workers": list(on), "allow_other_workers": False} if on else {}
        try:
            for i, chunk in enumerate(self._chunks(docs)):
                future = self._client.submit(_run_chunk, self._run_chunk, chunk, key=f"kg-extract-{token}-{i}",
                                             retries=0, **restrict)
                pending.append((chunk, future))
                if len(pending) >= self._limit(on):
                    yield from self._collect(*pending.popleft())
            while pending:
                yield from self._collect(*pending.popleft())
        except (distributed.KilledWorker, distributed.comm.CommClosedError, CancelledError, TimeoutError) as exc:
            raise ClusterError(
                f"the Dask cluster at {self.scheduler} lost the run: {type(exc).__name__}: {exc}; "
                "check the scheduler and workers (their logs say why a worker died), then run again"
            ) from exc
        finally:
            for _chunk, future in pending:  # an error or an interrupted run: drop what is still queued
                future.cancel()

    def _limit(self, on: Sequence[str] | None) -> int:
        threads = self.worker_threads()
        n = sum(threads.get(a, 0) for a in on) if on else sum(threads.values())
        return max(2, IN_FLIGHT * n)

    @staticmethod
    def _collect(chunk: list[Document], future: Any) -> Iterator[Analysed]:
        results = future.result()
        future.release()  # the scheduler may forget the chunk's results now
        for doc, (ents, trips, problem) in zip(chunk, results, strict=True):
            yield doc, ents, trips, problem
