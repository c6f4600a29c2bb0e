"""Bodies, their sub-units, facilities and the PART_OF / LOCATED_AT / ESTABLISHES rules
(fictional names, real style)."""

from __future__ import annotations

import pytest

from kg.extract.analysis import Analysis
from kg.extract.analysis import analyse as analyse_document
from kg.extract.mentions.base import Cand
from kg.extract.mentions.coref import coref_candidates
from kg.extract.segment import Sentence
from kg.models import Document

from helpers_rules import rule_facts


def _analysis(text: str) -> Analysis:
    return analyse_document(Document(doc_id="t", text=text))


@pytest.mark.parametrize(
    ("text", "entity", "found"),
    [
        # the name walk: a division inside a word (公路桥梁 holds 路桥) does not cut the name
        ("会上，娄底公路桥梁建设有限公司代表发言。", ("Enterprise", "娄底公路桥梁建设有限公司"), True),
        # a short abbreviation before a division belongs to the name
        ("国网云溪供电公司职工参加活动。", ("Enterprise", "国网云溪供电公司"), True),
        # odd single characters between a province and the rest of the name
        ("江西省旺亿茶业有限公司获奖。", ("Enterprise", "江西省旺亿茶业有限公司"), True),
        ("湖南省和临湘茶业有限公司签约。", ("Enterprise", "湖南省和临湘茶业有限公司"), False),
        ("会上促发展云溪经济开发区总工会发言。", ("Union", "促发展云溪经济开发区总工会"), False),
        # general heads of common bodies
        ("云溪区妇联、云溪区环卫局和岳阳市纪委监委参加。", ("Organization", "云溪区妇联"), True),
        ("云溪区妇联、云溪区环卫局和岳阳市纪委监委参加。", ("Organization", "云溪区环卫局"), True),
        ("云溪区妇联、云溪区环卫局和岳阳市纪委监委参加。", ("Organization", "岳阳市纪委监委"), True),
        ("云溪区妇联、云溪区环卫局和岳阳市纪委监委参加。", ("Organization", "岳阳市纪委"), False),
        ("江河化肥厂职工参加活动。", ("Enterprise", "江河化肥厂"), True),
        # a paper acting in the story is a body; the paper credited for it is not
        ("据岳阳日报报道，活动很成功。", ("Organization", "岳阳日报"), True),
        ("活动很成功。（岳阳日报记者 张小明）", ("Organization", "岳阳日报"), False),
        ("岳阳日报讯 活动很成功。", ("Organization", "岳阳日报"), False),
        ("活动很成功。来源：岳阳晚报", ("Organization", "岳阳晚报"), False),
        # deputies are people, not the body
        ("云溪区人大代表王大明发言。", ("Organization", "云溪区人大"), False),
        # edges of the walk: a head word jieba does not tag keeps its first character (有限责任公司 is no 有 + 限责任公司)
        ("近年来，江河油田有限责任公司工会扎实开展工作。", ("Union", "江河油田有限责任公司工会"), True),
        ("江河机械有限公司党委副书记王小明讲话。", ("Organization", "江河机械有限公司党委"), False),
        ("大家认真贯彻落实省委要求。", ("Organization", "贯彻落实省委"), False),
        # facilities with generic names
        ("大家来到户外劳动者暖心驿站休息。", ("Facility", "户外劳动者暖心驿站"), False),
        ("欢迎大家到智能化工会驿站参观。", ("Facility", "智能化工会驿站"), False),
        ("做好各乡镇职工书屋管理。", ("Facility", "各乡镇职工书屋"), False),
        # an honour, not a facility
        ("28个单位被评为云溪区先进职工小家。", ("Facility", "云溪区先进职工小家"), False),
        # the facility a body sets up is named so
        ("云溪区总工会在江河畔建成全市首家劳模精神宣传阵地。", ("Facility", "劳模精神宣传阵地"), True),
        # branch unions, unions of named units, companies counted with their trade
        ("江河多媒体分工会主席刘大海讲话。", ("Union", "江河多媒体分工会"), True),
        ("江河油田勘探研究室工会开展活动。", ("Union", "江河油田勘探研究室工会"), True),
        ("云溪新区机关工会开展活动。", ("Union", "云溪新区机关工会"), True),
        ("各班组工会开展活动。", ("Union", "班组工会"), False),
        # a trade before the kind of the bodies counted
        ("全县星河、云帆等9家快递公司的职工都入会了。", ("Enterprise", "星河"), True),
        ("区属、市属等20家企业参加。", ("Enterprise", "区属"), False),
        # organs that are no body of the story
        ("把党和政府的关怀送到职工身边。", ("Organization", "党和政府"), False),
        ("职工们感谢党委政府的关心。", ("Organization", "党委政府"), False),
        ("云溪区交通运输局机关党委副书记王大强到场。", ("Organization", "云溪区交通运输局机关党委"), False),
        ("云溪镇党委书记王大强出席。", ("Organization", "云溪镇党委"), True),
        ("岳阳日报云溪8月13日讯 会议闭幕。", ("Organization", "岳阳日报"), False),
        ("岳阳日报客户端记者\u00a0张小明 为加强关爱，活动启动。", ("Organization", "岳阳日报"), False),
        # the walk stops before a context union form
        ("王大明代表省总工会致辞。", ("Union", "代表省总工会"), False),
        ("他委托市总工会转交慰问金。", ("Union", "委托市总工会"), False),
        ("二是公司要抓好安全生产。", ("Enterprise", "二是公司"), False),
        ("张小明及镇总工会干部参加。", ("Union", "张小明及镇总工会"), False),
        ("云溪县总工会干部参加培训。", ("Union", "云溪县总工会干部"), False),
        ("云溪县总工会经济部部长王大明讲话。", ("Union", "云溪县总工会经济部"), True),
    ],
)
def test_bodies_entity_found_or_not(text, entity, found):
    ents, _ = rule_facts(text)
    assert (entity in ents) == found, ents


@pytest.mark.parametrize(
    ("text", "unit", "parent"),
    [
        ("云溪茶叶有限公司技术开发组获评工人先锋号。", ("Enterprise", "云溪茶叶有限公司技术开发组"), "云溪茶叶有限公司"),
        # a post after a unit of a unit: the first unit is where the person works
        ("刘建军，江河重工集团有限公司大件锻造厂锻9班班长。", ("Enterprise", "江河重工集团有限公司大件锻造厂"),
         "江河重工集团有限公司"),
        # a chain that ends the phrase names the collective itself; 部长 here is no title
        ("江河建材有限公司生产技术部管道维护大队等12个集体受表彰。",
         ("Enterprise", "江河建材有限公司生产技术部管道维护大队"), "江河建材有限公司"),
        # an organ's unit is an organisation; the chief of a standalone unit holds a post there
        ("云溪县公安局城关派出所所长李四介绍情况。", ("Organization", "云溪县公安局城关派出所"), "云溪县公安局"),
        # a bracket inside the unit's name
        ("江钢集团钒钛(钢铁)研究院家电研究室主任郑小旺讲话。", ("Enterprise", "江钢集团钒钛(钢铁)研究院"), "江钢集团"),
        # an ensemble is an organisation under any parent
        ("江河重工集团合唱团演唱了歌曲。", ("Organization", "江河重工集团合唱团"), "江河重工集团"),
    ],
)
def test_bodies_sub_unit_is_part_of_its_parent(text, unit, parent):
    ents, trips = rule_facts(text)
    assert unit in ents
    assert (unit[1], "PART_OF", parent) in trips


@pytest.mark.parametrize(
    "text",
    [
        "江河药业有限公司研发中心主任张三出席。",  # the department is part of the title
        "江河集团有限公司全体干部职工参加。",
        "江河集团有限公司内部管理规范。",
        "他是江河建材有限公司技术部长。",
        "江河建材有限公司党支部召开会议。",
    ],
)
def test_bodies_no_sub_unit(text):
    ents, trips = rule_facts(text)
    assert not [t for t in trips if t[1] == "PART_OF"]
    assert not [n for _, n in ents if n.startswith("江河") and not n.endswith(("有限公司", "集团"))]


def test_bodies_branch_hosts_its_facility():
    ents, trips = rule_facts("江河银行城东支行职工驿站正式启用。")
    assert ("Facility", "江河银行城东支行职工驿站") in ents
    assert ("江河银行城东支行职工驿站", "LOCATED_AT", "江河银行城东支行") in trips
    assert ("江河银行城东支行", "PART_OF", "江河银行") in trips


def test_bodies_owned_body_is_part_of_its_owner():
    _, trips = rule_facts("江河市总工会与所属江河市职工发展基金会捐赠物资。")
    assert ("江河市职工发展基金会", "PART_OF", "江河市总工会") in trips


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("近日，湖北省教科文卫体工会主席到场。", True),
        ("活动由中国航运物流工会主办。", True),
        ("江西省建材冶金工会开展活动。", True),
        ("江西省基层工会开展活动。", False),
        ("云溪区企业工会开展活动。", False),
        ("中国工会走过百年历程。", False),
        ("云溪区高质量发展献出工会力量。", False),
    ],
)
def test_bodies_industry_union_after_a_locality(text, found):
    ents, _ = rule_facts(text)
    unions = [n for t, n in ents if t == "Union"]
    assert bool(unions) == found, unions


def test_bodies_pronoun_stands_for_the_body_named_before():
    text = "江河重工集团有限公司位于云溪区。今年，该公司职工书屋获评全国示范书屋。"
    ents, trips = rule_facts(text)
    assert ("Facility", "江河重工集团有限公司职工书屋") in ents
    assert ("江河重工集团有限公司职工书屋", "LOCATED_AT", "江河重工集团有限公司") in trips
    assert ("江河重工集团有限公司职工书屋", "AWARDED", "全国示范书屋") in trips
    a = _analysis(text)
    coref = [c for c in a.cands if c.rule == "coref"]
    assert [(c.type, c.name, a.ct.text[c.start : c.end]) for c in coref] == [("Enterprise", "江河重工集团有限公司", "该公司")]


@pytest.mark.parametrize(
    "text",
    [
        "今年，该公司职工参加了培训。",  # no company named before
        "云溪区人民医院开展义诊。该公司职工参加了活动。",  # a hospital is no company
    ],
)
def test_bodies_pronoun_without_a_body_of_its_kind(text):
    a = _analysis(text)
    assert not [c for c in a.cands if c.rule.startswith("coref")]


def test_bodies_pronoun_stays_in_its_article():
    text = "江河重工集团有限公司开展活动。该公司职工参加了培训。"
    body = Cand("Enterprise", 0, 10, "江河重工集团有限公司", "head:Enterprise", head="有限公司", sentence=0)
    same = [Sentence(0, 15, text[:15], 0), Sentence(15, 26, text[15:], 0)]
    other = [Sentence(0, 15, text[:15], 0), Sentence(15, 26, text[15:], 1)]
    assert [c.name for c in coref_candidates(text, same, [body])] == ["江河重工集团有限公司"]
    assert coref_candidates(text, other, [body]) == []


def test_bodies_listed_hosts_share_the_facility_opened():
    ents, trips = rule_facts("云溪区总工会驻江河律师事务所、云溪区司法局职工法律援助站日前揭牌。")
    for fac, host in (("江河律师事务所职工法律援助站", "江河律师事务所"),
                      ("云溪区司法局职工法律援助站", "云溪区司法局")):
        assert ("Facility", fac) in ents
        assert (fac, "LOCATED_AT", host) in trips
        assert ("云溪区总工会", "ESTABLISHES", fac) in trips


@pytest.mark.parametrize(
    ("text", "triple", "found"),
    [
        ("云溪区总工会在江河公园建成了面积500平方米的“职工之家”。", ("云溪区总工会", "ESTABLISHES", "职工之家"), False),
        ("云溪区总工会在江河商场建成了面积500平方米的江河商场职工之家。",
         ("云溪区总工会", "ESTABLISHES", "江河商场职工之家"), True),
        ("云溪区总工会推动工作。江河商场工会驿站近日揭牌。", ("云溪区总工会", "ESTABLISHES", "江河商场工会驿站"), True),
        # a history or an anniversary is no founding in the story
        ("云溪区总工会推动工作。江河商场工会驿站成立于2013年。", ("云溪区总工会", "ESTABLISHES", "江河商场工会驿站"), False),
        ("今年是江河市总工会成立70周年。", ("江河市总工会", "ESTABLISHES", "江河市总工会"), False),
    ],
)
def test_bodies_establishes(text, triple, found):
    _, trips = rule_facts(text)
    assert (triple in trips) == found, trips


@pytest.mark.parametrize(
    ("text", "studio", "host"),
    [
        ("在江河新材料科技有限公司马生虎劳模工作室，慰问组了解情况。", "马生虎劳模工作室", "江河新材料科技有限公司"),
        ("来到云溪镇小河村许志雄工匠人才创新工作室参观。", "许志雄工匠人才创新工作室", "云溪镇小河村"),
    ],
)
def test_bodies_studio_named_after_a_person_is_at_the_host_before_it(text, studio, host):
    ents, trips = rule_facts(text)
    assert ("Facility", studio) in ents
    assert (studio, "LOCATED_AT", host) in trips
    assert not [n for t, n in ents if t == "Facility" and n != studio]


def test_bodies_studio_of_a_host_and_generic_words_keeps_the_host():
    ents, trips = rule_facts("江河气缸套劳模工匠创新工作室获评先进。")
    assert ("Facility", "江河气缸套劳模工匠创新工作室") in ents
