"""The extraction rules on a fictional article written in the style of union news.

Each expected fact is one a reader of the article would state; each forbidden
one is a mistake an earlier version made.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract.extractors import run_rules as analyse  # the rules alone: these test rule stages
from kg.models import Document

from helpers_rules import rule_facts

TEXT = (Path(__file__).parent / "data" / "article_yunxi.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def result():
    ents, trips = analyse(Document(doc_id="yunxi", text=TEXT))
    return (
        {(e.type, e.name) for e in ents},
        {(t.subject.name, t.predicate, t.object.name) for t in trips},
        {(t.subject.name, t.predicate, t.object.name): t for t in trips},
        ents,
        trips,
    )


@pytest.mark.parametrize(
    "entity",
    [
        ("Union", "岳阳市云溪区总工会"),
        ("Region", "岳阳市云溪区"),
        ("Program", "匠心助企行"),
        ("Program", "普惠观影"),
        ("Enterprise", "明远机械有限公司"),
        ("Enterprise", "禾丰纺织集团"),
        ("Enterprise", "星河电子"),
        ("Person", "王志远"),
        ("Person", "李春华"),
        ("Person", "赵红梅"),
        ("Person", "刘建国"),
        ("Union", "明远机械有限公司工会小组"),
        ("Award", "全省模范职工小家"),
        ("Organization", "云溪区人社局"),
        ("Group", "户外劳动者"),
        ("Facility", "明远机械有限公司职工之家"),
        ("Facility", "禾丰纺织集团劳模创新工作室"),
        ("Facility", "禾丰纺织集团工会驿站"),
    ],
)
def test_extractors_find_entity(result, entity):
    assert entity in result[0]


@pytest.mark.parametrize(
    "entity",
    [
        ("Person", "周文"),  # the reporter of the byline
        ("Person", "钱进"),  # the correspondent of the byline
        ("Union", "区总工会"),  # resolved, never left as written
        ("Union", "云溪区总工会"),  # an alias, not a second entity
        ("Enterprise", "明远机械"),  # the short form of 明远机械有限公司
    ],
)
def test_extractors_skip_staff_and_unresolved_forms(result, entity):
    assert entity not in result[0]


@pytest.mark.parametrize(
    "triple",
    [
        ("岳阳市云溪区总工会", "IN_REGION", "岳阳市云溪区"),
        ("岳阳市云溪区总工会", "RUNS", "匠心助企行"),
        ("岳阳市云溪区总工会", "SUPPORTS", "明远机械有限公司"),
        ("王志远", "HOLDS_POSITION", "岳阳市云溪区总工会"),
        ("岳阳市云溪区总工会", "VISITS", "星河电子"),
        ("岳阳市云溪区总工会", "ESTABLISHES", "明远机械有限公司职工之家"),
        ("明远机械有限公司职工之家", "LOCATED_AT", "明远机械有限公司"),
        ("赵红梅", "LEADS", "禾丰纺织集团劳模创新工作室"),
        ("岳阳市云溪区总工会", "ESTABLISHES", "禾丰纺织集团劳模创新工作室"),
        ("明远机械有限公司工会小组", "AWARDED", "全省模范职工小家"),
        ("岳阳市云溪区总工会", "PARTNERS_WITH", "云溪区人社局"),
        ("岳阳市云溪区总工会", "SUPPORTS", "困难职工"),
        ("刘建国", "HOLDS_POSITION", "明远机械有限公司"),
    ],
)
def test_extractors_find_triple(result, triple):
    assert triple in result[1]


def test_extractors_position_keeps_the_whole_title(result):
    t = result[2][("王志远", "HOLDS_POSITION", "岳阳市云溪区总工会")]
    assert t.attrs["title"] == "党组书记、主席"


def test_extractors_support_carries_program_amount_and_count(result):
    t = result[2][("岳阳市云溪区总工会", "SUPPORTS", "困难职工")]
    assert t.attrs == {"program": "普惠观影", "amount": "30万元", "count": "1600余人"}


def test_extractors_planned_action_is_marked(result):
    t = result[2][("岳阳市云溪区总工会", "ESTABLISHES", "禾丰纺织集团工会驿站")]
    assert t.attrs.get("status") == "planned"


def test_extractors_evidence_points_into_the_text(result):
    for t in result[4]:
        assert TEXT[t.evidence.start : t.evidence.end] == t.evidence.sentence
        assert t.doc_id == "yunxi" and 0 < t.confidence <= 1 and t.extractor


def test_extractors_mentions_point_at_the_name(result):
    for e in result[3]:
        for m in e.mentions:
            assert 0 <= m.start < m.end <= len(TEXT)


def test_extractors_empty_document_gives_nothing():
    assert analyse(Document(doc_id="empty", text="  \n ")) == ([], [])


def test_extractors_traditional_text_gives_simplified_names_and_original_offsets():
    text = "岳陽市雲溪區總工會開展“匠心助企行”專項行動，走進明遠機械有限公司。"
    ents, trips = analyse(Document(doc_id="trad", text=text))
    names = {(e.type, e.name) for e in ents}
    assert ("Union", "岳阳市云溪区总工会") in names
    union = next(e for e in ents if e.name == "岳阳市云溪区总工会")
    m = union.mentions[0]
    assert text[m.start : m.end] == "岳陽市雲溪區總工會"
    t = next(t for t in trips if t.predicate == "RUNS")
    assert text[t.evidence.start : t.evidence.end] == t.evidence.sentence


def test_extractors_beneficiaries_listed_after_a_help_cue_with_modifiers():
    text = ("青山县总工会开展送温暖活动，为全县困难职工家庭、施工一线职工、"
            "快递小哥、农民工等人，送去米面油等慰问品。")
    _, trips = analyse(Document(doc_id="list", text=text))
    helped = {t.object.name for t in trips if t.predicate == "SUPPORTS" and t.subject.name == "青山县总工会"}
    assert {"一线职工", "快递小哥", "农民工"} <= helped
    # a list that no help cue opens names no beneficiaries
    text = "青山县总工会调研了施工一线职工、快递小哥、农民工等群体的工作情况。"
    _, trips = analyse(Document(doc_id="nolist", text=text))
    assert not [t for t in trips if t.predicate == "SUPPORTS"]


def _runs(text: str) -> set[tuple[str, str]]:
    _, trips = analyse(Document(doc_id="t", text=text))
    return {(t.subject.name, t.object.name) for t in trips if t.predicate == "RUNS"}


def test_relations_organisers_each_run_the_program_named_after_them():
    runs = _runs("近日，由东岭市总工会、东岭市人社局主办，东岭市技师学院承办，北辰科技有限公司协办的“金匠杯”技能竞赛开幕。")
    assert {("东岭市总工会", "金匠杯"), ("东岭市人社局", "金匠杯")} <= runs
    assert ("北辰科技有限公司", "金匠杯") not in runs  # 协办 runs nothing


def test_relations_organisers_of_a_program_named_before():
    runs = _runs("西岭县职工“健步行”活动启动\n近日，西岭县职工“健步行”活动在西岭公园举行。"
                 "据悉，本次活动由西岭县总工会、西岭县人社局和南山能源集团有限公司联合主办。")
    assert {("西岭县总工会", "健步行"), ("西岭县人社局", "健步行"), ("南山能源集团有限公司", "健步行")} <= runs


def test_relations_organisers_need_a_word_to_refer_back():
    # “，由A主办” after a clause about something else: no program to give them
    runs = _runs("北岭市总工会开展“暖心行”活动。启动仪式以奋斗为主题，由北岭市总工会和北岭市妇联主办。")
    assert ("北岭市妇联", "暖心行") not in runs


def test_relations_organisers_list_with_unnamed_members():
    runs = _runs("6月1日，东岭市总工会、北辰街道总工会、商户联盟、物业公司等联合举办了“邻里节”主题活动。")
    assert {("东岭市总工会", "邻里节"), ("北辰街道总工会", "邻里节")} <= runs


def test_programs_quoted_name_before_a_long_descriptive_activity():
    # “某某”青年职工读书分享交流活动: the quoted name is the program though no run verb stands before it
    text = "周六，东岭市总工会联合北辰机械集团举办“书香伴我·共读共进”青年职工读书分享交流活动，百余人参加。"
    ents, _ = analyse(Document(doc_id="t", text=text))
    assert ("Program", "书香伴我·共读共进") in {(e.type, e.name) for e in ents}
    assert ("东岭市总工会", "书香伴我·共读共进") in _runs(text)


def test_programs_a_description_or_kind_of_work_is_no_program():
    ents, _ = analyse(Document(doc_id="t", text="东岭市总工会开展形式多样的慰问活动，并开展走访慰问活动。"))
    programs = {e.name for e in ents if e.type == "Program"}
    assert not programs & {"形式多样的慰问活动", "形式多样的慰问", "走访慰问活动", "走访慰问"}


def test_programs_quoted_name_of_what_a_body_organises():
    # 由…主办的“某某”: the quoted name is what they organise, whatever follows it
    runs = _runs("4月2日，由东岭市总工会、东岭市人力资源和社会保障局主办，东岭市技师学院承办的“春风暖心”2025年东岭市职工技能比武开幕。")
    assert ("东岭市总工会", "春风暖心") in runs


def test_extractors_in_region_from_a_division_inside_the_name():
    """A body whose name holds its place after a brand word (某某宁川电机有限公司) is in that place."""
    _, trips = rule_facts("近日，市里表彰了一批先进集体。中车苏州轨道电机有限公司获评先进单位。")
    assert ("中车苏州轨道电机有限公司", "IN_REGION", "苏州市") in trips


def test_extractors_in_region_of_a_standalone_unit_not_of_a_department():
    """A branch, plant or institute named after its parent is in the place the name starts with;
    a department is not given one."""
    _, trips = rule_facts("会上，山西焦煤集团东曲煤矿获得表彰，南京星河机械有限公司设备维修部获得表彰。")
    assert ("山西焦煤集团东曲煤矿", "IN_REGION", "山西省") in trips
    assert not any(s == "南京星河机械有限公司设备维修部" and p == "IN_REGION" for s, p, _ in trips)


def test_extractors_in_region_short_chain_inside_a_name_does_not_lengthen_the_place():
    """A chain written short inside a body's name (某某甘肃张掖分公司) does not lengthen the city's other bodies' place."""
    _, trips = rule_facts("近日，张掖市总工会联合远航物流甘肃张掖分公司开展慰问。张掖市人社局参加活动。")
    assert ("张掖市人社局", "IN_REGION", "张掖市") in trips
    assert ("张掖市总工会", "IN_REGION", "张掖市") in trips


def test_extractors_in_region_of_a_branch_named_by_city_and_district():
    """A branch named by its city and a district's short form (某银行南京江宁支行) is in the district, named in full."""
    _, trips = rule_facts("近日，宁川银行股份有限公司南京江宁支行获评先进集体。")
    assert ("宁川银行股份有限公司南京江宁支行", "IN_REGION", "南京市江宁区") in trips


@pytest.mark.parametrize("text", ["来源|上高县总工会", "来源|全南县总工会"])
def test_extractors_body_name_starts_where_its_division_starts(text):
    """jieba splits a character off a county's name whose rest is a county too (上/高县): the union's name
    still starts at the longer county."""
    ents, trips = rule_facts(text)
    union = text.split("|")[1]
    assert ("Union", union) in ents
    assert (union, "IN_REGION", union[:3]) in trips
