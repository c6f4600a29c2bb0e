"""Context resolution and region names."""

from __future__ import annotations

import pytest

from kg.extract.mentions.base import Cand
from kg.extract.regions import region_prefix
from kg.extract.resolve import dominant_divisions, resolve_names


@pytest.mark.parametrize(
    ("name", "written", "canonical"),
    [
        ("甘肃兰州安宁区总工会", "甘肃兰州安宁区", "甘肃省兰州市安宁区"),
        ("南京明远文化产业有限公司", "南京", "南京市"),
        ("淮安市清江浦区总工会", "淮安市清江浦区", "淮安市清江浦区"),
        ("长沙路街道总工会", "", ""),  # a street named after a city is not the city
        ("温泉酒店", "", ""),  # a bare county short form is too ambiguous
    ],
)
def test_resolve_region_prefix(name, written, canonical):
    assert region_prefix(name)[:2] == (written, canonical)


def _cand(type_, name, start, *, context=False, rule="head:x"):
    extra = {"context": True} if context else {}
    return Cand(type_, start, start + len(name), name, rule, sentence=0, extra=extra)


def test_resolve_context_union_to_the_articles_union():
    full = _cand("Union", "岳阳市云溪区总工会", 0)
    short = _cand("Union", "云溪区总工会", 20)
    ctx = _cand("Union", "区总工会", 40, context=True)
    resolve_names([full, short, ctx], {0: 0})
    assert short.name == "岳阳市云溪区总工会" and short.extra["alias"] == "云溪区总工会"
    assert ctx.name == "岳阳市云溪区总工会"


def test_resolve_unresolvable_context_form_stays_as_written():
    ctx = _cand("Union", "市总工会", 0, context=True)
    resolve_names([ctx], {0: 0}, "市总工会开展活动。")
    assert ctx.name == "市总工会"


def test_resolve_city_union_is_not_its_districts_union():
    district = _cand("Union", "徐州市鼓楼区总工会", 0)
    city = _cand("Union", "徐州市总工会", 30)
    resolve_names([district, city], {0: 0})
    assert city.name == "徐州市总工会"


def test_resolve_level_prefix_takes_the_articles_division():
    union = _cand("Union", "岳阳市云溪区总工会", 0)
    org = _cand("Organization", "区人社局", 20)
    resolve_names([union, org], {0: 0})
    assert org.name == "云溪区人社局"


def test_resolve_short_company_merges_into_long():
    long = _cand("Enterprise", "明远机械有限公司", 0)
    short = _cand("Enterprise", "明远机械", 20)
    resolve_names([long, short], {0: 0})
    assert short.name == "明远机械有限公司"


def test_resolve_dominant_division_needs_two_mentions():
    assert dominant_divisions("常熟举行活动。常熟市总工会主办。").get("市") == "常熟市"
    assert "市" not in dominant_divisions("南通市的一家企业。")
