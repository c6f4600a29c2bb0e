"""Invariants of kg.extract.pipeline.analyse on arbitrary text (hypothesis) and on real articles.

No crash; every entity mention and every evidence span lies inside the text;
``text[start:end]`` holds the evidence sentence; types and predicates come
from the ontology. These hold for any extractor, however good or bad.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.extract.pipeline import analyse
from kg.extract.reader import read_documents
from kg.models import Document, Entity, Triple
from kg.ontology import load_ontology
from kg.resources import package_data

ONTOLOGY = load_ontology()

# Pieces of union news that make the extractors fire, and pieces that trip
# up offsets: line breaks inside names, brackets, quotes, dots, controls.
FRAGMENTS = [
    "本报讯", "总工会", "区总工会", "市总", "省总工会", "工会联合会", "工会小组", "有限公司", "（扬州）", "集团",
    "职工之家", "劳模创新工作室", "工会驿站", "职工书屋", "主席", "副主席", "书记", "领头人", "开展", "成立",
    "走访", "慰问", "获评", "荣获", "被评为", "联合", "携手", "助力", "为", "送去", "在", "将", "计划",
    "“", "”", "‘", "’", "「", "」", "《", "》", "【", "】", "（", "）", "(", ")", "·", "・", "、", "，", "。",
    "；", "：", "！", "？", "\n", "\n\n", "\r\n", "\r", "\t", " ", "\u3000", "\x00", "\x0c", "\u2028", "\ufeff",
    "江苏省", "南京市", "秦淮区", "我市", "我区", "周海平", "陈海燕", "李", "王师傅", "新业态从业劳动者",
    "困难职工", "夏送清凉", "30万元", "1600余人", "2025年7月", "12", "abc", "𠀀", "臺灣", "總工會",
]

texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(FRAGMENTS), max_size=80).map("".join),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=5)), max_size=60).map("".join),
)

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def check_invariants(doc: Document, entities: list[Entity], triples: list[Triple]) -> None:
    """The contract of :func:`kg.extract.pipeline.analyse` (offsets, evidence, ontology)."""
    text = doc.text
    n = len(text)
    for ent in entities:
        assert ent.doc_id == doc.doc_id
        assert ent.name.strip(), f"empty entity name: {ent}"
        assert ent.type in ONTOLOGY.types, f"unknown type {ent.type}"
        for m in ent.mentions:
            assert 0 <= m.start < m.end <= n, f"mention {m} outside the text ({n} chars) of {ent}"
    for t in triples:
        assert t.doc_id == doc.doc_id
        assert t.predicate in ONTOLOGY.predicates, f"unknown predicate {t.predicate}"
        assert t.subject.type in ONTOLOGY.types and t.object.type in ONTOLOGY.types
        assert t.subject.name.strip() and t.object.name.strip()
        ev = t.evidence
        assert 0 <= ev.start < ev.end <= n, f"evidence {ev.start}:{ev.end} outside the text ({n} chars)"
        assert ev.sentence.strip(), "empty evidence sentence"
        assert ev.sentence == text[ev.start : ev.end], (
            f"text[{ev.start}:{ev.end}] = {text[ev.start:ev.end]!r} does not hold the evidence {ev.sentence!r}"
        )


@SETTINGS
@given(text=texts)
def test_pipeline_properties_arbitrary_text(text: str) -> None:
    doc = Document(doc_id="hypo", text=text)
    entities, triples = analyse(doc)
    check_invariants(doc, list(entities), list(triples))


@SETTINGS
@given(title=st.lists(st.sampled_from(FRAGMENTS), max_size=10).map("".join), body=texts)
def test_pipeline_properties_record_shaped_text(title: str, body: str) -> None:
    # the text of a JSONL/CSV record: title, blank line, text
    doc = Document(doc_id="rec", text=f"{title}\n\n{body}" if title else body, title=title)
    entities, triples = analyse(doc)
    check_invariants(doc, list(entities), list(triples))


@SETTINGS
@given(text=texts)
def test_pipeline_properties_domain_and_range(text: str) -> None:
    _, triples = analyse(Document(doc_id="hypo", text=text))
    for t in triples:
        assert ONTOLOGY.allows(t.subject.type, t.predicate, t.object.type), (
            f"{t.subject.type} -{t.predicate}-> {t.object.type} breaks the ontology's domain/range"
        )


def _corpus(path: Path) -> list[Document]:
    return [d for d in read_documents([path]) if isinstance(d, Document)]


@pytest.mark.parametrize("doc", _corpus(package_data("example")), ids=lambda d: d.doc_id)
def test_pipeline_properties_example_corpus(doc: Document) -> None:
    entities, triples = analyse(doc)
    check_invariants(doc, list(entities), list(triples))


def test_pipeline_properties_dev_corpus(dev_dir: Path) -> None:
    for doc in _corpus(dev_dir / "corpus"):
        entities, triples = analyse(doc)
        check_invariants(doc, list(entities), list(triples))
