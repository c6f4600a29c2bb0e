"""Bodies, their sub-units, facilities and the PART_OF / LOCATED_AT / ESTABLISHES rules
(fictional names, real style)."""

from __future__ import annotations

import pytest

from kg.extract.pipeline import analyse
from kg.models import Document


def _analyse(text: str):
    ents, trips = analyse(Document(doc_id="t", text=text))
    return {(e.type, e.name) for e in ents}, {(t.subject.name, t.predicate, t.object.name) for t in trips}


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        # a division inside a word (公路桥梁 holds 路桥) does not cut the name
        ("会上，娄底公路桥梁建设有限公司代表发言。", ("Enterprise", "娄底公路桥梁建设有限公司")),
        # a short abbreviation before a division belongs to the name
        ("国网云溪供电公司职工参加活动。", ("Enterprise", "国网云溪供电公司")),
        # odd single characters between a province and the rest of the name
        ("江西省旺亿茶业有限公司获奖。", ("Enterprise", "江西省旺亿茶业有限公司")),
    ],
)
def test_bodies_name_walk_found(text, entity):
    ents, _ = _analyse(text)
    assert entity in ents


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("湖南省和临湘茶业有限公司签约。", ("Enterprise", "湖南省和临湘茶业有限公司")),
        ("会上促发展云溪经济开发区总工会发言。", ("Union", "促发展云溪经济开发区总工会")),
    ],
)
def test_bodies_name_walk_not_found(text, entity):
    ents, _ = _analyse(text)
    assert entity not in ents
