"""Entity rules, sentence by sentence (fictional names, real style)."""

from __future__ import annotations

import pytest

from kg.extract.pipeline import analyse
from kg.models import Document


def _analyse(text: str):
    ents, trips = analyse(Document(doc_id="t", text=text))
    return {(e.type, e.name) for e in ents}, {(t.subject.name, t.predicate, t.object.name): t for t in trips}


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("日前，活动走进瑞丰（宁川）电子科技有限公司，帮助企业解决难题。", ("Enterprise", "瑞丰（宁川）电子科技有限公司")),
        ("本报讯 近日，巴陵市总工会主席梁卫东表示，将继续做好服务。", ("Person", "梁卫东")),
        ("会上，吉林、辽宁、甘肃等3个试点省总工会负责人作了交流。", ("Union", "吉林省总工会")),
        ("全国总工会职工服务部副部长周明主持会议。", ("Union", "全国总工会职工服务部")),
        ("巴陵市总工会开展“春风送岗”专项行动。", ("Program", "春风送岗")),
        ("巴陵市总工会持续推进职工康乃馨服务计划。", ("Program", "职工康乃馨服务计划")),
        ("明远机械有限公司工会小组获评全省模范职工小家。", ("Award", "全省模范职工小家")),
    ],
)
def test_entities_found(text, entity):
    ents, _ = _analyse(text)
    assert entity in ents


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("本报讯 近日，巴陵市总工会主席梁卫东表示，将继续做好服务。", ("Person", "卫东")),
        ("本报讯（记者 周文 通讯员 钱进）近日，巴陵市总工会召开会议。", ("Person", "周文")),
        ("为建设“百亿园区、绿色园区”贡献力量。", ("Program", "百亿园区、绿色园区")),
        ("他们为物业公司、快递公司送去慰问品。", ("Enterprise", "物业公司")),
        ("实施“技能提升”“服务提质”两大工程。", ("Program", "技能提升")),
    ],
)
def test_entities_not_found(text, entity):
    ents, _ = _analyse(text)
    assert entity not in ents


def test_entities_whole_named_by_a_number_is_the_program():
    ents, _ = _analyse("巴陵市总工会实施“技能提升”“服务提质”两大工程。")
    assert ("Program", "两大工程") in ents


@pytest.mark.parametrize(
    ("text", "planned"),
    [
        ("春节将至，巴陵市总工会开展“春送温暖”活动。", False),
        ("下一步，巴陵市总工会将开展“春送温暖”活动。", True),
        ("巴陵市总工会计划开展“春送温暖”活动。", True),
    ],
)
def test_entities_planned_actions_are_marked(text, planned):
    _, trips = _analyse(text)
    t = trips[("巴陵市总工会", "RUNS", "春送温暖")]
    assert (t.attrs.get("status") == "planned") is planned


def test_entities_company_union_written_short_resolves_to_the_company():
    ents, trips = _analyse(
        "巴陵市总工会走访岳阳港务集团有限公司。港务集团工会主席郑秀兰介绍，公司已设置职工休息室3处。"
    )
    assert ("Union", "岳阳港务集团有限公司工会") in ents
    assert ("郑秀兰", "HOLDS_POSITION", "岳阳港务集团有限公司工会") in trips


def test_entities_company_union_without_its_company_is_dropped():
    ents, _ = _analyse("港务集团工会开展慰问活动。")
    assert not any(t == "Union" and "港务集团" in n for t, n in ents)


def test_entities_sibling_organ_takes_the_place_of_the_one_before():
    ents, trips = _analyse("青峰经济开发区党工委副书记、管委会副主任王建平出席会议。")
    assert ("Organization", "青峰经济开发区管委会") in ents
    assert ("王建平", "HOLDS_POSITION", "青峰经济开发区管委会") in trips
    assert ("王建平", "HOLDS_POSITION", "青峰经济开发区党工委") in trips


def test_entities_elected_to_a_position():
    _, trips = _analyse("经过投票选举，王建平当选为青峰经济开发区总工会第二届委员会主席。")
    t = trips[("王建平", "HOLDS_POSITION", "青峰经济开发区总工会")]
    assert t.attrs["title"] == "第二届委员会主席"


def test_entities_title_confirmed_by_an_inspection_is_an_award():
    ents, trips = _analyse("岳阳明远机械有限公司通过省“模范职工之家”示范单位验收。")
    assert ("岳阳明远机械有限公司", "AWARDED", "省模范职工之家示范单位") in trips


def test_entities_conferred_awards_go_to_the_recipients():
    _, trips = _analyse("省总工会授予明远机械有限公司、岳阳港务集团有限公司“五一劳动奖状”。")
    assert ("明远机械有限公司", "AWARDED", "五一劳动奖状") in trips
    assert ("岳阳港务集团有限公司", "AWARDED", "五一劳动奖状") in trips
