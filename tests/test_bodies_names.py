"""Names of bodies that the word walk used to cut, and the PART_OF rules for units of a body
(fictional names, real style)."""

from __future__ import annotations

import pytest

from helpers_rules import rule_facts


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        # an odd character jieba splits off inside a name (a verb, a measure word) does not end it
        ("一行来到吉安李记醉食品有限公司，实地查看生产线。", ("Enterprise", "吉安李记醉食品有限公司")),
        ("慰问组来到青海公斤镁业集团，了解职工生产生活情况。", ("Enterprise", "青海公斤镁业集团")),
        # a two-character short name at the start of a clause
        ("比赛由市总工会主办，中亿电缆集团承办。", ("Enterprise", "中亿电缆集团")),
        # a trade jieba tags a verb, right before the legal form
        ("武功县金穗小麦育种有限公司获评先进。", ("Enterprise", "武功县金穗小麦育种有限公司")),
        # an ordinal after a place: the place's numbered hospital
        ("陕西省武功县第二人民医院开展义诊。", ("Organization", "陕西省武功县第二人民医院")),
        ("湖北省荆门市总工会召开会议。市第一人民医院护士长李红出席。", ("Organization", "荆门市第一人民医院")),
        # 自治区 + an organ is a context form (kept as written where no region is named)
        ("自治区人大常委会副主任张明出席。", ("Organization", "自治区人大常委会")),
    ],
)
def test_bodies_names_whole_name_found(text, entity):
    ents, _ = rule_facts(text)
    assert entity in ents


@pytest.mark.parametrize(
    ("text", "unit", "parent"),
    [
        # the unit of a context-bound union takes the union's resolved name
        ("岳阳市云溪区总工会召开会议。会上，区总工会职工维权宣讲团5名成员作了发言。",
         "岳阳市云溪区总工会职工维权宣讲团", "岳阳市云溪区总工会"),
        ("吉林省总工会召开会议。省总女职工部组织开展活动。", "吉林省总工会女职工部", "吉林省总工会"),
        # a group's subsidiary written right after it
        ("秦岭机械集团渭河重型机械有限公司焊工张三获奖。", "秦岭机械集团渭河重型机械有限公司", "秦岭机械集团"),
    ],
)
def test_bodies_names_unit_is_part_of_its_body(text, unit, parent):
    ents, trips = rule_facts(text)
    assert any(name == unit for _, name in ents)
    assert (unit, "PART_OF", parent) in trips


@pytest.mark.parametrize(
    ("text", "unit", "parent"),
    [
        # a company's regional branch is one body
        ("秦岭银行宁夏分行获评先进集体。", "秦岭银行宁夏分行", "秦岭银行"),
        # a bare 车间 after a company names no unit
        ("明远建材股份有限公司车间主任张三发言。", "明远建材股份有限公司车间", "明远建材股份有限公司"),
    ],
)
def test_bodies_names_no_part_of(text, unit, parent):
    _, trips = rule_facts(text)
    assert (unit, "PART_OF", parent) not in trips


def test_bodies_names_regional_office():
    """The rest of a national body's office's name is a place and an organ (…总局 + 某省税务局)."""
    from kg.extract.relations import _regional_office

    assert _regional_office("甘肃省税务局")
    assert _regional_office("兰州市税务局")
    assert not _regional_office("交通警察支队")
    assert not _regional_office("甘肃省")


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("武功公安分局民警张三获奖。", ("Organization", "武功公安分局")),
        ("中冶十局承建的项目顺利完工。", ("Enterprise", "中冶十局")),
    ],
)
def test_bodies_names_bureau_inside_a_word(text, entity):
    ents, _ = rule_facts(text)
    assert entity in ents


@pytest.mark.parametrize("text", ["要服务发展大局。", "开创工会工作新局面。", "优化工会驿站布局。"])
def test_bodies_names_no_bureau_in_common_words(text):
    ents, _ = rule_facts(text)
    assert not any(t == "Organization" for t, _ in ents)


def test_bodies_names_troupe_named_by_what_it_does():
    ents, _ = rule_facts("市总工会组建职工权益律师团，为职工提供法律服务。")
    assert ("Organization", "职工权益律师团") in ents
