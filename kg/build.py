"""``kg build``: from input files to every product in one folder.

Extraction files, ``graph.graphml``, ``graph.json`` (node-link), the embedded
database (``graph.db``), ``inventory.csv`` / ``inventory.xlsx`` and an
overview diagram (``overview.html``, plus ``overview.svg`` when graphviz is
installed). Everything is written into a unique hidden staging folder inside
the output folder and swapped into place only when all of it succeeded
(:mod:`kg.publish`), so a failed build leaves the previous outputs as they were
and nothing half-written, and two builds into one folder do not mix. The
extraction cache (``.kg-cache/``) sits beside the products, outside the swap; when
the extraction files come out byte for byte as in the last build, its products are
copied from there instead of made again (:mod:`kg.reuse`).
"""

from __future__ import annotations

import ctypes
import functools
import gc
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

from kg.errors import OutputError
from kg.export.diagram import graphviz_available, render
from kg.export.graph import connected_part, top_nodes
from kg.export.graph_files import graph_facts, stream_graphml, stream_node_link
from kg.export.inventory import build_inventory, write_inventory_csv, write_inventory_xlsx
from kg.extract.assemble import assemble_folders, graph_summary
from kg.extract.cache import CACHE_DIR, CACHE_FILE, ExtractionCache, extractor_version
from kg.extract.curation_file import find_curation, read_curation
from kg.extract.extractors import run_extractors
from kg.extract.identity import clear_name_caches
from kg.extract.parallel import AnalyseFn
from kg.extract.pipeline import write_extraction
from kg.extract.stream import EXTRACTION_FILES, Analyser, stream_extract
from kg.models import BuildReport, CurationFile, Document, ExtractionResult, GraphData, InputProblem, ReaderOptions
from kg.publish import atomic_write, publish, staging
from kg.reuse import digests, products_key, remember, reuse
from kg.store.embedded import stage_embedded

__all__ = ["OUTPUTS", "build", "build_from_extraction", "write_graph_outputs"]

#: Output kind → file name inside the build folder.
OUTPUTS: dict[str, str] = {
    "documents": "documents.jsonl",
    "entities": "entities.jsonl",
    "triples": "triples.jsonl",
    "graphml": "graph.graphml",
    "graph_json": "graph.json",
    "database": "graph.db",
    "inventory_csv": "inventory.csv",
    "inventory_xlsx": "inventory.xlsx",
    "diagram_html": "overview.html",
    "diagram_svg": "overview.svg",
    "curation": "curation.applied.toml",  # the curation file applied (kg.extract.curation_file.APPLIED_FILE)
}
#: The overview drawings keep the best-connected entities only beyond these sizes.
OVERVIEW_HTML_LIMIT = 1500
OVERVIEW_SVG_LIMIT = 150
#: overview.html carries this many evidence sentences per relationship (and how many more there are):
#: every one of them made the page grow with the corpus (106 MB at 100k articles), beyond what a browser opens
OVERVIEW_EVIDENCE_LIMIT = 5

Stage = Callable[[str], None]


def _noop(_: str) -> None:
    pass


def build(
    paths: Sequence[Path],
    out_dir: Path,
    *,
    workers: int = 1,
    reader_options: ReaderOptions | None = None,
    on_problem: Callable[[InputProblem], None] | None = None,
    on_documents: Callable[[int], None] | None = None,
    on_document: Callable[[Document], None] | None = None,
    on_stage: Stage | None = None,
    title: str = "union-kg",
    analyse: AnalyseFn | None = None,
    curation: Path | None = None,
    find_curation_file: bool = True,
    scheduler: str | None = None,
    cache: bool = True,
    analyser: Analyser | None = None,
) -> BuildReport:
    """Extract from *paths* (with the extractor *analyse*, by default the default one) and write every product into *out_dir*.

    The graph is curated by the file *curation*, else by the ``curation.toml``
    found next to the inputs (unless *find_curation_file* is false); a copy of
    the file applied is kept as ``curation.applied.toml``, so that ``kg load
    OUT_DIR`` and ``kg diagram --from OUT_DIR`` apply the same corrections.

    Unreadable input, and a document the extractor fails on, is skipped and
    listed in ``report.problems``; the output folder itself is never read as
    input. An output folder that cannot be written raises :class:`OutputError`
    before any extraction work is done. The callbacks are those of
    :func:`kg.extract.stream.stream_extract`, plus *on_stage* with the name of each step.

    Each document's records are written as soon as it is analysed, and the
    graph is assembled by reading them back, so memory holds the graph, not
    every record. With *cache* (the default) a document analysed by an earlier
    build into *out_dir* with the same extractor is not analysed again
    (:mod:`kg.extract.cache`, kept in ``OUT_DIR/.kg-cache/``); ``report.reused``
    counts them, and when the extraction files, the curation file and *title* are those of the last
    build (by the same kg), its products are copied rather than made again (:mod:`kg.reuse`).
    *analyser* replaces the local pool of *workers* processes.
    With a Dask *scheduler* address (and no *analyser*) the extraction runs on that cluster.
    """
    stage = on_stage or _noop
    out_dir = Path(out_dir)
    if curation is None and find_curation_file:
        curation = find_curation(paths, names=("curation.toml",))
    cur = read_curation(curation) if curation else None  # a broken file fails before any extraction
    created = not out_dir.exists()
    with ExitStack() as stack:
        folder = stack.enter_context(staging(out_dir, prefix=".kg-build-"))
        store = None
        if cache:
            # a failed build into a folder it created leaves no folder behind: nor the cache in it
            stack.push(functools.partial(_remove_cache_on_failure, out_dir) if created else _keep)
            version = extractor_version(analyse or run_extractors)
            store = stack.enter_context(ExtractionCache(out_dir / CACHE_DIR / CACHE_FILE, version))
        stage("extracting")
        summary = stream_extract(
            list(paths),
            folder,
            workers=workers,
            reader_options=reader_options,
            exclude=[out_dir],
            on_problem=on_problem,
            on_documents=on_documents,
            on_document=on_document,
            analyse=analyse,
            cache=store,
            analyser=analyser,
            scheduler=scheduler,
        )
        files = {name.removesuffix(".jsonl"): str(folder / name) for name in EXTRACTION_FILES}
        key = products_key([folder / name for name in EXTRACTION_FILES], cur, title) if store is not None else ""
        earlier = reuse(out_dir, key, folder) if key else None
        if earlier is None:
            report = _products(folder, files, summary.problems, stage=stage, title=title, curation=cur)
        else:  # the extraction files are those of the last build: so are its products (kg.reuse)
            stage("products unchanged")
            _copy_curation(folder, files, cur)
            report = earlier.model_copy(update={"files": {**earlier.files, **files}, "problems": tuple(summary.problems)})
        made = digests(report) if key else {}
        publish(folder, out_dir, OUTPUTS.values())
        if store is not None:
            store.finish()  # entries of deleted or changed documents go only when the build succeeded
    report = _relocate(report.model_copy(update={"reused": summary.reused if cache else None}), out_dir)
    if key and ("diagram_svg" in report.files or not graphviz_available()):  # a drawing that failed is tried again
        remember(out_dir, key, report, made)
    return report


def _remove_cache_on_failure(out_dir: Path, exc_type: type[BaseException] | None, *_exc: object) -> bool:
    if exc_type is not None:
        shutil.rmtree(out_dir / CACHE_DIR, ignore_errors=True)
    return False  # the exception goes on


def _keep(*_exc: object) -> bool:
    return False


def build_from_extraction(
    result: ExtractionResult,
    out_dir: Path,
    *,
    on_stage: Stage | None = None,
    title: str = "union-kg",
    curation: Path | None = None,
) -> BuildReport:
    """Everything :func:`build` does after extraction, for an extraction already made."""
    cur = read_curation(curation) if curation else None
    with staging(Path(out_dir), prefix=".kg-build-") as folder:
        report = _write_all(result, folder, stage=on_stage or _noop, title=title, curation=cur)
        publish(folder, Path(out_dir), OUTPUTS.values())
    return _relocate(report, Path(out_dir))


def _write_all(result: ExtractionResult, folder: Path, *, stage: Stage, title: str,
               curation: CurationFile | None = None) -> BuildReport:
    stage("writing extraction")
    files = {k: str(v) for k, v in write_extraction(result, folder).items()}
    return _products(folder, files, result.problems, stage=stage, title=title, curation=curation)


def _products(folder: Path, files: dict[str, str], problems: Sequence[InputProblem], *, stage: Stage, title: str,
              curation: CurationFile | None = None) -> BuildReport:
    """Every product of the extraction written in *folder*, assembled from its files as they stream by."""
    _copy_curation(folder, files, curation)
    stage("assembling" if curation is None else "assembling and curating")
    # the graph's evidence stays in a file in *folder*; no name here holds the graph, which is let go on the way
    held = [_without_texts(assemble_folders([folder], curation=curation, problems=problems, evidence_dir=folder))]
    clear_name_caches()  # filled by assembling; kept, they would pin the freed graph's heap pages
    report = _write_outputs(held, folder, stage=stage, title=title)
    known = set(problems)
    return report.model_copy(
        update={
            "files": {**files, **report.files},
            "problems": tuple(problems),
            "dropped": tuple(p for p in report.problems if p not in known),
        }
    )


def _without_texts(graph: GraphData) -> GraphData:
    """*graph* with its documents' texts left out: no product writes them (0.05 GB at 100k articles)."""
    docs = tuple(d.model_copy(update={"text": ""}) for d in graph.documents)
    return graph.model_copy(update={"documents": docs})


def _copy_curation(folder: Path, files: dict[str, str], curation: CurationFile | None) -> None:
    """Keep a copy of the curation file applied (``curation.applied.toml``) and add it to *files*."""
    if curation is not None:
        files["curation"] = str(atomic_write(folder / OUTPUTS["curation"], lambda fh: fh.write(
            Path(curation.path).read_bytes())))


def write_graph_outputs(
    graph: GraphData,
    folder: Path,
    *,
    on_stage: Stage | None = None,
    title: str = "union-kg",
) -> BuildReport:
    """Write the graph files, database, inventory and overview of *graph* into *folder*.

    Each file is written atomically; :func:`build` calls this on its staging folder
    (through :func:`_write_outputs`, holding no other reference to the graph).
    """
    return _write_outputs([graph], Path(folder), stage=on_stage or _noop, title=title)


def _write_outputs(held: list[GraphData], folder: Path, *, stage: Stage, title: str) -> BuildReport:
    """:func:`write_graph_outputs` of the graph in *held*, which is taken out of it.

    The embedded database is staged as files (:func:`kg.store.embedded.stage_embedded`) and the
    graph let go before ladybug copies them: with nothing else holding the graph, the copy's memory
    (0.6 GB at 100k articles) no longer comes on top of it.
    """
    graph = held.pop()
    files: dict[str, str] = {}
    notes: list[str] = []
    _give_back_freed_memory()  # what assembling freed

    with ThreadPoolExecutor(max_workers=1) as aside, ExitStack() as stack:
        stage("overview selection")
        related = connected_part(graph)
        # graphviz lays the static overview out in its own process while the rest is written
        svg_graph = top_nodes(related, OVERVIEW_SVG_LIMIT) if graphviz_available() else None
        svg = aside.submit(render, svg_graph, folder / OUTPUTS["diagram_svg"], title=title) if svg_graph else None
        # both drawings' parts chosen now: the connected part is a second graph (0.09 GB at 100k articles)
        html_graph, drawable = top_nodes(related, OVERVIEW_HTML_LIMIT), len(related.nodes)
        del related

        stage("betweenness")
        facts = graph_facts(graph)  # node and edge order, degree, betweenness: no copy of the evidence
        stage("graph files")
        files["graphml"] = str(stream_graphml(graph, folder / OUTPUTS["graphml"], facts=facts))
        files["graph_json"] = str(stream_node_link(graph, folder / OUTPUTS["graph_json"], facts=facts))

        stage("inventory")
        inventory = build_inventory(graph)
        files["inventory_csv"] = str(write_inventory_csv(inventory, folder / OUTPUTS["inventory_csv"]))
        files["inventory_xlsx"] = str(write_inventory_xlsx(inventory, folder / OUTPUTS["inventory_xlsx"]))
        del inventory

        stage("database files")
        database = stack.enter_context(stage_embedded(graph, folder / OUTPUTS["database"]))
        summary, centrality = graph_summary(graph), facts.centrality()  # of the whole graph, not of the drawn part
        problems, identity, curation = graph.problems, graph.identity, graph.curation
        del graph, facts
        _give_back_freed_memory()

        stage("overview diagram")
        if len(html_graph.nodes) < drawable:
            notes.append(f"overview.html shows the {OVERVIEW_HTML_LIMIT} best-connected entities; use `kg diagram --focus` for the rest")
        files["diagram_html"] = str(render(html_graph, folder / OUTPUTS["diagram_html"], title=title, betweenness=centrality,
                                               evidence_limit=OVERVIEW_EVIDENCE_LIMIT))
        del html_graph, centrality
        if svg_graph is not None and svg is not None:
            try:  # a layout graphviz cannot finish costs the drawing, not the build's other products
                files["diagram_svg"] = str(svg.result())
            except OutputError as exc:
                notes.append(f"overview.svg skipped: {exc}")
            else:
                if len(svg_graph.nodes) < drawable:
                    notes.append(f"overview.svg shows the {OVERVIEW_SVG_LIMIT} best-connected entities")
        else:
            notes.append("overview.svg skipped: graphviz is not installed (apt-get install graphviz fonts-noto-cjk)")
        del svg_graph
        gc.collect()  # the products' cycles (networkx graphs, pydantic models) before ladybug's copy
        _give_back_freed_memory()

        stage("embedded database")
        database.load()
        files["database"] = str(folder / OUTPUTS["database"])

    return BuildReport(
        out_dir=str(folder),
        documents=summary["documents"],  # type: ignore[arg-type]
        nodes=summary["nodes"],  # type: ignore[arg-type]
        relationships=summary["relationships"],  # type: ignore[arg-type]
        files=files,
        problems=problems,
        notes=tuple(notes),
        identity=identity,
        curation=curation,
    )


def _give_back_freed_memory() -> None:
    """Hand the heap pages freed so far back to the system (glibc's ``malloc_trim``); elsewhere nothing.

    glibc keeps freed pages in its arenas, one per thread that allocated: after the
    embedded database's load, ladybug's threads held 0.12 GB of them at 20k articles,
    on top of which every later stage would have run.
    """
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def _relocate(report: BuildReport, out_dir: Path) -> BuildReport:
    """Point the report's file paths at *out_dir* instead of the staging folder."""
    files = {k: str(out_dir / Path(v).name) for k, v in report.files.items()}
    return report.model_copy(update={"out_dir": str(out_dir), "files": files})
