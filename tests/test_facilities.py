"""Facility names and their relations (LOCATED_AT, LEADS), sentence by sentence (fictional names, real style)."""

from __future__ import annotations

import pytest

from helpers_rules import rule_facts


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        # a studio named after its person starts at the name, after a numbered unit or a function word
        ("星海市总工会公布名单，一公司王大明创新工作室、二公司赵小亮劳模创新工作室入选。", ("Facility", "王大明创新工作室")),
        ("星海市总工会公布名单，一公司王大明创新工作室、二公司赵小亮劳模创新工作室入选。", ("Facility", "赵小亮劳模创新工作室")),
        ("这是我校继孙立平劳模创新工作室之后的又一成果。", ("Facility", "孙立平劳模创新工作室")),
        # a bracketed word inside the studio's name
        ("近日，钱多多劳模(职工)创新工作室正式挂牌，钱多多任带头人。", ("Facility", "钱多多劳模(职工)创新工作室")),
        # a host's unnamed facility: host + head
        ("这里是位于星光广场的工会驿站，骑手在此歇脚。", ("Facility", "星光广场工会驿站")),
        ("明远机械有限公司建设的职工书屋藏书三千册。", ("Facility", "明远机械有限公司职工书屋")),
        ("这里是大湾镇的“惠工小站”。", ("Facility", "大湾镇惠工小站")),
        # bare facilities seen on a visit belong to the visited host; a place's own prefix is not repeated
        ("星海区总工会一行来到明远机械有限公司调研。在实地参观了职工之家、职工书屋后，周航表示肯定。",
         ("Facility", "明远机械有限公司职工书屋")),
        ("在大湾镇，调研组察看了镇职工驿站、职工书屋等场所。", ("Facility", "大湾镇职工驿站")),
        ("星海市总工会一行赴明远电器有限公司调研。一行人还察看了职工书屋和篮球场。", ("Facility", "明远电器有限公司职工书屋")),
        ("调研组来到明远电器有限公司。在实地参观了职工之家,听取了工作汇报。", ("Facility", "明远电器有限公司职工之家")),
        ("一行人首先前往明远机械有限公司,为企业职工送上慰问礼包;之后又参观了企业职工服务点。", ("Facility", "明远机械有限公司职工服务点")),
        ("其间，张明一行还前往明远机械有限公司职工活动中心进行实地调研。", ("Facility", "明远机械有限公司职工活动中心")),
    ],
)
def test_facilities_found(text, entity):
    ents, _ = rule_facts(text)
    assert entity in ents


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("星海市总工会公布名单，一公司王大明创新工作室入选。", ("Facility", "公司王大明创新工作室")),
        ("明远机械有限公司的职工小家遍布各个车间。", ("Facility", "明远机械有限公司职工小家")),  # any of its many
        ("在大湾镇，调研组察看了镇职工驿站等场所。", ("Facility", "大湾镇镇职工驿站")),
    ],
)
def test_facilities_not_found(text, entity):
    ents, _ = rule_facts(text)
    assert entity not in ents


@pytest.mark.parametrize(
    ("text", "triple"),
    [
        ("这里是位于星光广场的工会驿站，骑手在此歇脚。", ("星光广场工会驿站", "LOCATED_AT", "星光广场")),
        ("明远机械有限公司建设的职工书屋藏书三千册。", ("明远机械有限公司职工书屋", "LOCATED_AT", "明远机械有限公司")),
        ("明远机械有限公司建设的职工书屋藏书三千册。", ("明远机械有限公司", "ESTABLISHES", "明远机械有限公司职工书屋")),
        # a facility named by its neighbourhood alone is at it
        ("近日，东风街道向阳社区工会驿站正式启用，为户外劳动者提供服务。", ("东风街道向阳社区工会驿站", "LOCATED_AT", "向阳社区")),
        ("星海区总工会一行来到明远机械有限公司调研。在实地参观了职工之家后，周航表示肯定。",
         ("明远机械有限公司职工之家", "LOCATED_AT", "明远机械有限公司")),
        ("6月11日，区总工会主席张小红一行来到王志强工匠人才创新工作室调研，张小红在王志强工匠人才创新工作室查看了建设情况，"
         "听取了创新工作室领衔人王志强的汇报。", ("王志强", "LEADS", "王志强工匠人才创新工作室")),
        ("近日，钱多多劳模(职工)创新工作室正式挂牌，钱多多任带头人。", ("钱多多", "LEADS", "钱多多劳模(职工)创新工作室")),
    ],
)
def test_facilities_relation_found(text, triple):
    _, trips = rule_facts(text)
    assert triple in trips


def test_facilities_lead_word_does_not_make_a_visitor_the_leader():
    text = ("6月11日，区总工会主席张小红一行来到王志强工匠人才创新工作室调研，张小红在王志强工匠人才创新工作室查看了建设情况，"
            "听取了创新工作室领衔人王志强的汇报。")
    _, trips = rule_facts(text)
    assert ("张小红", "LEADS", "王志强工匠人才创新工作室") not in trips


def test_facilities_visited_town_facility_is_not_located_by_the_visit():
    text = "在大湾镇，调研组察看了镇职工驿站、职工书屋等场所。"
    _, trips = rule_facts(text)
    assert not any(p == "LOCATED_AT" and s == "大湾镇职工书屋" for s, p, _ in trips)


def test_facilities_union_facility_is_not_at_the_neighbourhood():
    # 某社区工会联合会职工之家 belongs to the union, not (by its name) to the neighbourhood
    _, trips = rule_facts("近日，东风街道向阳社区工会联合会职工之家正式启用，为户外劳动者提供服务。")
    assert not any(p == "LOCATED_AT" and o == "向阳社区" for _, p, o in trips)
