"""Models of streamed extraction, the extraction cache and their benchmarks (part of :mod:`kg.models`, which re-exports them)."""

from __future__ import annotations

from pydantic import Field

from kg.models_base import Frozen

__all__ = ["ExtractionSummary", "RebuildBench", "StreamBench"]


class ExtractionSummary(Frozen):
    """What a streamed extraction wrote (:func:`kg.extract.stream.stream_extract`): counts, not the records."""

    documents: int = 0
    entities: int = 0
    triples: int = 0
    #: entities per type and triples per predicate, for the summary line
    entity_types: dict[str, int] = Field(default_factory=dict)
    predicates: dict[str, int] = Field(default_factory=dict)
    #: documents whose results came from the extraction cache, and documents analysed in this run
    reused: int = 0
    extracted: int = 0
    #: skipped input and failed documents, in the order found (InputProblem is defined in kg.models, which
    #: completes this model with model_rebuild: importing it here would be an import cycle)
    problems: tuple["InputProblem", ...] = ()  # noqa: F821, UP037


class StreamBench(Frozen):
    """``kg bench stream``: a build of generated articles, its time and the process's peak memory."""

    articles: int
    extractor: str
    size_mb: float
    workers: int = 1
    seconds: float
    #: peak resident memory of the process that built, and of its largest worker process (0: none)
    peak_rss_mb: float
    worker_peak_rss_mb: float = 0.0
    documents: int = 0
    nodes: int = 0
    relationships: int = 0
    #: seconds per stage of the build (extracting, assembling, betweenness, graph files, …), and the peak
    #: resident memory of the building process when each stage ended (the stage where it grew is the peak's)
    stages: dict[str, float] = Field(default_factory=dict)
    stage_peak_rss_mb: dict[str, float] = Field(default_factory=dict)


class RebuildBench(Frozen):
    """``kg bench rebuild``: a first build, then one with a share of new articles, from the cache."""

    articles: int
    new_articles: int
    extractor: str
    workers: int = 1
    first_seconds: float
    rerun_seconds: float
    reused: int
    extracted: int
    #: seconds per stage of the re-run (extracting, assembling, graph files, …)
    rerun_stages: dict[str, float] = Field(default_factory=dict)
    #: CPU seconds of the building process per stage (its threads included, graphviz's process not)
    rerun_stages_cpu: dict[str, float] = Field(default_factory=dict)

    @property
    def speedup(self) -> float:
        return self.first_seconds / self.rerun_seconds if self.rerun_seconds else 0.0
