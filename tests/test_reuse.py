"""kg.reuse: a re-run of ``kg build`` whose extraction files did not change copies the products of the last
build (real database, real graphviz when installed), and makes them again as soon as anything they are made
of, or a product itself, changed."""

from __future__ import annotations

from pathlib import Path

from kg.bench.synth import synthetic_articles
from kg.build import build
from kg.extract.cache import CACHE_DIR
from kg.extract.extractors import run_rules
from kg.reuse import PRODUCTS_FILE
from kg.store.embedded import open_embedded

PRODUCTS = ("graph.json", "graph.graphml", "inventory.csv", "overview.html")


def corpus(folder: Path, n: int, *, start: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for doc in synthetic_articles(n, start=start, seed=3):
        (folder / f"{doc.doc_id}.txt").write_text(doc.text, encoding="utf-8")
    return folder


def run(src: Path, out: Path, **kwargs: object) -> tuple[list[str], object]:
    stages: list[str] = []
    report = build([src], out, analyse=run_rules, on_stage=stages.append, **kwargs)
    return stages, report


def documents_in_db(out: Path) -> int:
    with open_embedded(out / "graph.db") as db:
        return db.execute("MATCH (d:Document) RETURN count(d) AS n").rows[0]["n"]


def test_reuse_unchanged_extraction_copies_the_products(tmp_path: Path) -> None:
    src, out = corpus(tmp_path / "corpus", 8), tmp_path / "out"
    stages, first = run(src, out)
    assert "products unchanged" not in stages and (out / CACHE_DIR / PRODUCTS_FILE).is_file()
    before = {name: (out / name).read_bytes() for name in PRODUCTS}
    stages, again = run(src, out)
    assert "products unchanged" in stages and "assembling" not in stages and again.reused == 8
    assert {name: (out / name).read_bytes() for name in PRODUCTS} == before
    assert again.model_dump(exclude={"reused"}) == first.model_dump(exclude={"reused"})
    assert documents_in_db(out) == 8


def test_reuse_makes_the_products_again_when_anything_changed(tmp_path: Path) -> None:
    src, out = corpus(tmp_path / "corpus", 8), tmp_path / "out"
    run(src, out)
    right = (out / "graph.json").read_bytes()
    (out / "graph.json").write_text("{}", encoding="utf-8")  # a product changed since: not trusted
    stages, _ = run(src, out)
    assert "products unchanged" not in stages and (out / "graph.json").read_bytes() == right

    stages, _ = run(src, out, title="another title")  # the title is drawn in the overview
    assert "products unchanged" not in stages

    corpus(src, 2, start=8)  # new documents: new extraction files
    stages, report = run(src, out, title="another title")
    assert "products unchanged" not in stages and report.reused == 8 and documents_in_db(out) == 10
    _, _ = run(src, tmp_path / "scratch", title="another title", cache=False)
    for name in PRODUCTS:
        assert (out / name).read_bytes() == (tmp_path / "scratch" / name).read_bytes(), name


def test_reuse_not_without_the_cache(tmp_path: Path) -> None:
    src, out = corpus(tmp_path / "corpus", 4), tmp_path / "out"
    run(src, out, cache=False)
    stages, _ = run(src, out, cache=False)
    assert "products unchanged" not in stages and not (out / CACHE_DIR).exists()


def test_reuse_not_of_a_build_whose_overview_drawing_failed(tmp_path: Path, failing_graphviz: None) -> None:
    src, out = corpus(tmp_path / "corpus", 4), tmp_path / "out"
    _, first = run(src, out)
    assert "diagram_svg" not in first.files and (out / "graph.json").is_file()
    stages, again = run(src, out)  # the same build again: the drawing is tried again, not copied as missing
    assert "products unchanged" not in stages and "diagram_svg" not in again.files
