"""Context resolution and region names."""

from __future__ import annotations

import pytest

from kg.extract.mentions.base import Cand
from kg.extract.regions import region_prefix
from kg.extract.resolve import resolve_names


@pytest.mark.parametrize(
    ("name", "written", "canonical"),
    [
        ("甘肃兰州安宁区总工会", "甘肃兰州安宁区", "甘肃省兰州市安宁区"),
        ("南京明远文化产业有限公司", "南京", "南京市"),
        ("淮安市清江浦区总工会", "淮安市清江浦区", "淮安市清江浦区"),
        ("长沙路街道总工会", "", ""),  # a street named after a city is not the city
        ("温泉酒店", "", ""),  # a bare county short form is too ambiguous
        ("浙江湖州明远丝绸有限公司", "浙江湖州", "浙江省湖州市"),  # 湖 starts the next division, no lake
        ("湖南山岚泵业有限公司", "湖南", "湖南省"),  # no word 湖南山: the province, then the name
        ("洪泽湖渔业有限公司", "", ""),  # a lake named after a place is not the place
        ("河北远帆机械有限公司", "河北", "河北省"),  # the province, not a district named 河北区 elsewhere
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


@pytest.mark.parametrize(
    ("written", "canonical", "dropped"),
    [
        ("崇信县工会", "崇信县工会", False),  # a county's union written in full is a union
        ("平凉市工会", "平凉市总工会", False),  # a city names its federation 总工会
        ("甘肃工会", None, True),  # a province's short form + 工会: an app, a slogan
        ("平凉工会", None, True),  # a city's short form + 工会: the union movement of the city
    ],
)
def test_resolve_region_plus_union(written, canonical, dropped):
    c = _cand("Union", written, 0)
    resolve_names([c], {0: 0})
    assert bool(c.extra.get("drop")) == dropped
    if canonical:
        assert c.name == canonical


def test_resolve_region_union_is_alias_of_the_named_federation():
    full = _cand("Union", "平凉市总工会", 0)
    short = _cand("Union", "平凉工会", 20)
    resolve_names([full, short], {0: 0})
    assert short.name == "平凉市总工会" and not short.extra.get("drop")


def _regions(sentence: str) -> set[str]:
    from kg.extract.mentions.places import region_candidates
    from kg.extract.segment import Sentence

    return {c.name for c in region_candidates(Sentence(0, len(sentence), sentence, 0), sentence)}


@pytest.mark.parametrize(
    ("sentence", "region"),
    [
        ("活动在张掖举行。", "张掖市"),  # a city's short form takes its full name
        ("来自甘肃的代表。", "甘肃省"),
        ("来自甘肃平凉崇信县的职工。", "甘肃省平凉市崇信县"),  # a written chain, suffixes restored
        ("走访了临泽县沙河镇的企业。", "临泽县沙河镇"),  # a town after its county
        ("看望了红柳湾街道青石社区的居民。", "红柳湾街道青石社区"),  # a community in its street
        ("慰问了枣林路街道的环卫工人。", "枣林路街道"),  # a street office named after a road
        ("走进临泽工业园区的企业。", "临泽工业园区"),  # a zone after a division's short form
        ("甘南州委组织部负责人出席。", "甘南州"),  # a people-named prefecture as it is written
    ],
)
def test_places_region_mentions(sentence, region):
    assert region in _regions(sentence)


@pytest.mark.parametrize(
    ("sentence", "not_region"),
    [
        ("祝愿大家长治久安。", "长治市"),  # a short form inside a word
        ("推进美丽乡村建设。", "美丽乡"),
        ("打造和谐社区。", "和谐社区"),
        ("全镇共有企业三十家。", "全镇"),
        ("为打造零碳园区贡献力量。", "零碳园区"),  # a slogan, not a zone
        ("各乡镇总工会负责人参会。", "乡镇"),
        ("来自福建平凉集团有限公司的职工。", "福建省平凉市"),  # a chain written short inside a company name
    ],
)
def test_places_no_region_mention(sentence, not_region):
    assert not_region not in _regions(sentence)


def _names(text: str) -> set[tuple[str, str]]:
    from kg.extract.extractors import run_rules as analyse
    from kg.models import Document

    ents, _ = analyse(Document(doc_id="t", text=text))
    return {(e.type, e.name) for e in ents}


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        # the place named right before a form in its sentence, though inside another body's name
        (("崇信县总工会开展慰问活动。\n\n活动中，临泽县政协副主席、县总工会主席王明远，"
         "甘谷县政协副主席、县总工会主席李国栋参加。"), ("临泽县总工会", "甘谷县总工会"), ("县总工会",)),
        # the place the article states, once
        ("近日，市总工会副主席张立新一行来到张掖，走访慰问困难职工。", ("张掖市总工会",), ("市总工会",)),
        # an autonomous region's union is not cut to 区总工会
        ("会上，自治区总工会副主席张立新作了讲话。", ("自治区总工会",), ("区总工会",)),
        ("近日，柳泉镇举办职工运动会。镇总工会主席王明远致辞。", ("柳泉镇总工会",), ("镇总工会",)),
        ("近日，崇信县开展送清凉活动，县交通运输局工会主席王明远带队慰问。", ("崇信县交通运输局工会",), ()),
    ],
)
def test_resolve_context_union_takes_its_place(text, present, absent):
    unions = {n for t, n in _names(text) if t == "Union"}
    assert set(present) <= unions and not set(absent) & unions


def test_resolve_place_only_inside_another_body_leaves_the_form_as_written():
    names = _names("近日，省总工会副主席张立新一行走进甘肃明远机械有限公司，看望一线职工。")
    assert ("Union", "省总工会") in names
    assert not any(t == "Union" and n.endswith("省总工会") and n != "省总工会" for t, n in names)


def _facts(text: str) -> set[tuple[str, str, str]]:
    from kg.extract.extractors import run_rules as analyse
    from kg.models import Document

    _, trips = analyse(Document(doc_id="t", text=text))
    return {(t.subject.name, t.predicate, t.object.name) for t in trips}


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("柳泉镇街道总工会开展慰问活动。", ("柳泉镇街道总工会", "IN_REGION", "柳泉镇街道")),
        ("沙河乡总工会开展慰问活动。", ("沙河乡总工会", "IN_REGION", "沙河乡")),
        # a district name two cities share: the one in the city the text names
        ("舟山市举办活动。普陀区总工会主席王明远出席。", ("普陀区总工会", "IN_REGION", "普陀区")),
        # a branch is in the place it is named after, not where its parent company is
        ("甘肃明远机械有限公司张掖分公司开展活动。", ("甘肃明远机械有限公司张掖分公司", "IN_REGION", "张掖市")),
    ],
)
def test_resolve_in_region_of_a_named_place(text, fact):
    assert fact in _facts(text)


def test_resolve_no_in_region_for_a_department_or_a_nameless_zone():
    facts = _facts("崇信县总工会权益保障部和经济开发区(沙河镇)总工会联合开展活动。甘肃明远机械有限公司张掖分公司开展活动。")
    assert ("甘肃明远机械有限公司张掖分公司", "IN_REGION", "甘肃省") not in facts
    assert not any(s.endswith("权益保障部") and p == "IN_REGION" for s, p, _ in facts)
    assert not any(o == "经济开发区" for _, p, o in facts if p == "IN_REGION")


def test_resolve_bare_context_form_from_any_source_is_resolved():
    region = Cand("Region", 0, 2, "张掖", "region", name="张掖市", sentence=0, extra={"division": "620700"})
    span = Cand("Union", 7, 11, "市总工会", "crf", sentence=0)  # a tagger's span, no context flag
    resolve_names([region, span], {0: 0}, "张掖举办活动，市总工会主席出席。")
    assert span.name == "张掖市总工会"
