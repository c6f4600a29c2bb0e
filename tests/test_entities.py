"""Entity rules, sentence by sentence (fictional names, real style)."""

from __future__ import annotations

import pytest

from kg.extract.mentions.groups import group_candidates
from kg.extract.mentions.programs import program_head_candidates
from kg.extract.extractors import run_rules as analyse  # the rules alone: these test rule stages
from kg.extract.segment import Sentence
from kg.models import Document


def _analyse(text: str):
    ents, trips = analyse(Document(doc_id="t", text=text))
    return {(e.type, e.name) for e in ents}, {(t.subject.name, t.predicate, t.object.name): t for t in trips}


def _candidates(finder, text: str) -> list:
    """The candidates one mention family finds in *text*, read as one sentence."""
    return finder(Sentence(0, len(text), text, 0), text)


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("日前，活动走进瑞丰（宁川）电子科技有限公司，帮助企业解决难题。", ("Enterprise", "瑞丰（宁川）电子科技有限公司")),
        ("本报讯 近日，巴陵市总工会主席梁卫东表示，将继续做好服务。", ("Person", "梁卫东")),
        ("会上，吉林、辽宁、甘肃等3个试点省总工会负责人作了交流。", ("Union", "吉林省总工会")),
        ("9月8日，韶关市、仁化县总工会联合开展慰问活动。", ("Union", "韶关市总工会")),
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


@pytest.mark.parametrize(
    ("text", "award"),
    [
        ("会上，王志远荣获常宁市五一劳动奖章。", "常宁市五一劳动奖章"),
        ("岳阳市劳动模范李春华介绍了经验。", "岳阳市劳动模范"),
        ("“潇湘工匠”赵红梅走进校园。", "潇湘工匠"),
        ("李春华先后荣获岳阳市技术能手、湖南省首届三湘大工匠等荣誉。", "三湘大工匠"),
        ("李春华先后荣获岳阳市技术能手、湖南省首届三湘大工匠等荣誉。", "岳阳市技术能手"),
        ("今年共有5位职工获得市和省劳动模范。", "市劳动模范"),
        ("今年共有5位职工获得市和省劳动模范。", "省劳动模范"),
        ("明远机械有限公司工会获得岳阳市2024年度工会工作特色奖一等奖。", "岳阳市2024年度工会工作特色奖"),
        ("青山县5家工作室被命名为县级劳模工匠技能创新工作室。", "县级劳模工匠技能创新工作室"),
        ("2024年，明远机械有限公司获评全国“平安杯”竞赛优胜单位。", "全国平安杯竞赛优胜单位"),
    ],
)
def test_entities_honours_named_by_level_quotes_and_triggers(text, award):
    ents, _ = _analyse(text)
    assert ("Award", award) in ents


@pytest.mark.parametrize(
    "text",
    [
        "要弘扬劳模精神和工匠精神，发挥劳模作用。",
        "上午，青山市领导看望慰问困难劳模和一线职工。",
        "青山县总工会成立县级劳模创新工作室联盟。",
        "围绕“青山工匠”IP开展宣传推广。",
    ],
)
def test_entities_honour_heads_in_other_words_are_no_awards(text):
    ents, _ = _analyse(text)
    assert not [n for t, n in ents if t == "Award"]


@pytest.mark.parametrize(
    ("text", "people"),
    [
        ("发布了名单，周一鸣、吴丽华、郑海涛、钱小兵共四人入选。", {"周一鸣", "吴丽华", "郑海涛", "钱小兵"}),
        ("会上展示了周一鸣、吴丽华等10名先进职工的事迹。", {"周一鸣", "吴丽华"}),
        ("分别是：明远机械有限公司数控车工周一鸣，禾丰纺织集团钳工吴丽华。", {"周一鸣", "吴丽华"}),
        ("这3家工作室分别是周一鸣劳模创新工作室、吴丽华工匠创新工作室。", {"周一鸣", "吴丽华"}),
        ("网约车司机阿布都·热合曼向记者展示会员证。", {"阿布都·热合曼"}),
    ],
)
def test_entities_people_in_lists_studios_and_with_dotted_names(text, people):
    ents, _ = _analyse(text)
    assert people <= {n for t, n in ents if t == "Person"}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("他是高级工程师、注册造价工程师，曾获表彰。", "程师"),
        ("【为职工办实事·送清凉】青山县总工会慰问一线职工。", "办实事·送清凉"),
        ("慰问组仔细了解了工作室的日常运行情况。", "解了"),
        ("国网青山供电公司班长孙大伟、东方红机械集团青山分公司工人王强获评。", "东方红机"),
    ],
)
def test_entities_words_around_lists_and_studios_are_no_people(text, name):
    ents, _ = _analyse(text)
    assert ("Person", name) not in ents


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("会上，常宁市总工会授予明远机械有限公司等5个单位常宁市五一劳动奖状；授予禾丰纺织集团张小明等20名职工常宁市五一劳动奖章。",
         {("明远机械有限公司", "常宁市五一劳动奖状"), ("张小明", "常宁市五一劳动奖章")}),
        ("青山县总工会决定授予明远机械有限公司等16个单位为“青山县五一劳动奖状”，周一鸣等79人为“青山县五一劳动奖章”荣誉称号。",
         {("明远机械有限公司", "青山县五一劳动奖状"), ("周一鸣", "青山县五一劳动奖章")}),
        ("明远机械有限公司数控车工周一鸣、禾丰纺织集团班长吴丽华等8人被青山市总工会授予青山市五一劳动奖章。",
         {("周一鸣", "青山市五一劳动奖章"), ("吴丽华", "青山市五一劳动奖章")}),
        ("岳阳市劳动模范、甘肃省五一劳动奖章获得者王志远介绍了经验。",
         {("王志远", "岳阳市劳动模范"), ("王志远", "甘肃省五一劳动奖章")}),
        ("荣获第三届“青山工匠”荣誉称号的2名职工分别是：明远机械有限公司钳工周一鸣、禾丰纺织集团焊工吴丽华。",
         {("周一鸣", "青山工匠"), ("吴丽华", "青山工匠")}),
        ("会上展示了周一鸣、吴丽华等10名“青山好工匠”的事迹。", {("周一鸣", "青山好工匠"), ("吴丽华", "青山好工匠")}),
        ("明远机械有限公司工会、禾丰纺织集团工会和青山县总工会先后被评为“岳阳市模范职工之家”。",
         {("明远机械有限公司工会", "岳阳市模范职工之家"), ("禾丰纺织集团工会", "岳阳市模范职工之家"),
          ("青山县总工会", "岳阳市模范职工之家")}),
        ("青山县总工会获得岳阳市2024年度工会工作特色奖一等奖，明远机械有限公司工会获得二等奖。",
         {("青山县总工会", "岳阳市2024年度工会工作特色奖"), ("明远机械有限公司工会", "岳阳市2024年度工会工作特色奖")}),
    ],
)
def test_entities_honours_go_to_their_recipients(text, expected):
    _, trips = _analyse(text)
    assert expected <= {(s, o) for s, p, o in trips if p == "AWARDED"}


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("来自明远机械有限公司的周一鸣，先后荣获青山工匠、岳阳市劳动模范等荣誉。", ("明远机械有限公司", "岳阳市劳动模范")),
        ("王志远介绍，明远机械有限公司陪同的张小明获评岳阳市劳动模范。", ("王志远", "岳阳市劳动模范")),
    ],
)
def test_entities_honours_skip_modifiers_and_speakers(text, wrong):
    _, trips = _analyse(text)
    assert (wrong[0], "AWARDED", wrong[1]) not in trips


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("青山市总工会党组书记、专职副主席王志远，副主席周一鸣、吴丽华以及党组成员、副调研员郑海涛等领导参加活动。",
         {("王志远", "青山市总工会"), ("周一鸣", "青山市总工会"), ("吴丽华", "青山市总工会"), ("郑海涛", "青山市总工会")}),
        ("青山市总工会党组成员、经审委主任李春华出席。", {("李春华", "青山市总工会")}),
        ("青山市总工会副主席王志远、经审委主任周一鸣、组织部长吴丽华一行来到明远机械有限公司。",
         {("王志远", "青山市总工会"), ("周一鸣", "青山市总工会"), ("吴丽华", "青山市总工会")}),
        ("分别是：明远机械有限公司数控铣工周一鸣，禾丰纺织集团有限公司行政总厨吴丽华。",
         {("周一鸣", "明远机械有限公司"), ("吴丽华", "禾丰纺织集团有限公司")}),
        ("青山县委书记张晓刚，青山县总工会主席王常青出席会议。", {("张晓刚", "青山县委"), ("王常青", "青山县总工会")}),
    ],
)
def test_entities_positions_in_lists_of_officials(text, expected):
    _, trips = _analyse(text)
    assert expected <= {(s, o) for s, p, o in trips if p == "HOLDS_POSITION"}


def test_entities_head_of_a_government_takes_no_union_before_it():
    _, trips = _analyse("青山市总工会主席王志远，副市长周一鸣出席。")
    assert ("周一鸣", "HOLDS_POSITION", "青山市总工会") not in trips


@pytest.mark.parametrize(
    ("text", "expected", "absent"),
    [
        ("青山市总工会党组书记王志远、副主席周一鸣一行走访了明远机械有限公司和禾丰纺织集团。",
         {("王志远", "明远机械有限公司"), ("青山市总工会", "明远机械有限公司"), ("王志远", "禾丰纺织集团"),
          ("青山市总工会", "禾丰纺织集团")},
         {("周一鸣", "明远机械有限公司")}),
        ("青山县总工会主席吴丽华带队到明远机械有限公司调研，青山县人社局局长郑海涛陪同。",
         {("吴丽华", "明远机械有限公司"), ("青山县总工会", "明远机械有限公司")},
         {("郑海涛", "明远机械有限公司")}),
        ("随后，青山县总工会主席吴丽华来到禾丰纺织集团下岗职工钱晓东家中。", set(),
         {("吴丽华", "禾丰纺织集团"), ("青山县总工会", "禾丰纺织集团")}),
        ("青山县总工会邀请全国劳模周一鸣到明远机械有限公司调研。", set(), {("周一鸣", "明远机械有限公司")}),
        ("常宁市总工会开展“匠心助企行”活动，走进明远机械有限公司。", set(), {("常宁市总工会", "明远机械有限公司")}),
    ],
)
def test_entities_visits_from_who_leads_and_their_body(text, expected, absent):
    _, trips = _analyse(text)
    visits = {(s, o) for s, p, o in trips if p == "VISITS"}
    assert expected <= visits
    assert not absent & visits


@pytest.mark.parametrize(
    ("text", "expected", "absent"),
    [
        ("青山县总工会走访慰问我县部分困难职工，送去慰问金。", {"困难职工"}, set()),
        ("青山县总工会为奋战在一线的环卫工人、货车司机送去防暑降温用品。", {"环卫工人", "货车司机"}, set()),
        ("青山县总工会还看望了明远机械有限公司下岗职工周晓东。", {"周晓东"}, set()),
        ("青山县总工会还看望了部分保洁员、搬运工人及货运司机等户外劳动者。", {"户外劳动者"}, {"搬运工人"}),
        ("为进一步做好农民工服务工作，青山县总工会召开座谈会。", set(), {"农民工"}),
    ],
)
def test_entities_help_reaches_its_beneficiaries(text, expected, absent):
    _, trips = _analyse(text)
    helped = {o for s, p, o in trips if p == "SUPPORTS" and s == "青山县总工会"}
    assert expected <= helped
    assert not absent & helped


def test_entities_a_place_named_first_is_not_the_helper():
    _, trips = _analyse("在明远机械有限公司，青山县总工会主席吴丽华为一线职工送去慰问品。")
    assert ("明远机械有限公司", "SUPPORTS", "一线职工") not in trips


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("关心关爱侨胞职工在青山就业。", "侨胞职工"),
        ("为夜班工作人员、家政护理人员提供服务。", "家政护理人员"),
        ("走访慰问离休老干部和困难职工。", "离休老干部"),
    ],
)
def test_groups_class_heads_with_a_modifier_are_candidates(text, group):
    assert group in {c.name for c in _candidates(group_candidates, text)}


@pytest.mark.parametrize("text", ["加强职工之家建设，提升职工服务中心水平。", "明远公司职工张三说。", "向12.36万人次职工发放补助金。"])
def test_groups_staff_of_a_body_and_counted_people_are_no_class(text):
    assert not [c for c in _candidates(group_candidates, text) if c.extra.get("class")]


@pytest.mark.parametrize(
    ("text", "program"),
    [
        ("青山县总工会开展冬季送温暖行动。", "冬季送温暖行动"),
        ("青山县总工会开展2025年“两节”送温暖活动。", "两节送温暖"),
        ("青山县总工会打造了夏送清凉、金秋助学等活动品牌。", "金秋助学"),
        ("2024年青山市百万职工劳动和技能竞赛隆重启动。", "青山市百万职工劳动和技能竞赛"),
        ("青山市第三届职工职业技能运动会在市体育馆举行。", "青山市第三届职工职业技能运动会"),
        ("青山县职工服务信息系统正式上线。", "青山县职工服务信息系统"),
    ],
)
def test_programs_campaigns_and_named_events_are_candidates(text, program):
    assert program in {c.name for c in _candidates(program_head_candidates, text)}


def test_entities_a_named_event_started_is_run_by_the_union():
    _, trips = _analyse("青山市总工会启动2024年青山市百万职工劳动和技能竞赛。")
    assert ("青山市总工会", "RUNS", "青山市百万职工劳动和技能竞赛") in trips


@pytest.mark.parametrize(
    ("text", "program"),
    [
        ("县总工会已筹集送温暖资金200万元。", "送温暖"),
        ("持续开展夏送清凉·冬送温暖·春送岗位“四季送”活动。", "夏送清凉"),
        ("此次劳动竞赛分为三个阶段。", "此次劳动竞赛"),
        ("举办“青山杯”技能大赛。", "青山杯技能大赛"),
    ],
)
def test_programs_campaign_and_event_words_that_name_no_program(text, program):
    assert program not in {c.name for c in _candidates(program_head_candidates, text)}


def test_entities_an_event_only_mentioned_is_not_run():
    _, trips = _analyse("青山县总工会表示，在第六届青山市技能状元大赛中，职工表现出色。")
    assert not [t for t in trips if t[1] == "RUNS"]


@pytest.mark.parametrize(
    ("text", "partners", "runs"),
    [
        ("5月30日，由青山市总工会、青山市人社局、明远机械有限公司共同主办的“技能青山”职工技能大赛开幕。",
         {("青山市总工会", "青山市人社局"), ("青山市总工会", "明远机械有限公司")},
         {("青山市总工会", "技能青山职工技能大赛"), ("青山市人社局", "技能青山职工技能大赛"),
          ("明远机械有限公司", "技能青山职工技能大赛")}),
        ("本报讯 6月20日，青山市总工会、青山区总工会联合举办了“粽情一夏”关爱活动。",
         {("青山市总工会", "青山区总工会")}, {("青山区总工会", "粽情一夏")}),
        ("青山市总工会联合青山市公安局交通警察支队、青山市出租汽车协会、青山市人社局等单位开展“护航”行动。",
         {("青山市总工会", "青山市出租汽车协会"), ("青山市总工会", "青山市人社局")}, set()),
    ],
)
def test_entities_bodies_acting_together_partner_and_run(text, partners, runs):
    _, trips = _analyse(text)
    assert partners <= {(s, o) for s, p, o in trips if p == "PARTNERS_WITH"}
    assert runs <= {(s, o) for s, p, o in trips if p == "RUNS"}


def test_entities_a_union_federation_is_no_partnership():
    _, trips = _analyse("青山区建筑行业工会联合会组织明远机械有限公司等单位开展技能比武。")
    assert not [t for t in trips if t[1] == "PARTNERS_WITH"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an honour roll: a line with only the honour, then a line per recipient
        ("青山市一批单位和个人获表彰\n近日，省总工会表彰了一批先进。\n甘肃五一劳动奖状\n明远机械有限公司\n禾丰纺织集团\n"
         "甘肃五一劳动奖章\n市人民医院主任周一鸣\n市公安局特警支队队长吴丽华\n近年来，我市各单位积极创先争优。",
         {("明远机械有限公司", "甘肃五一劳动奖状"), ("禾丰纺织集团", "甘肃五一劳动奖状"),
          ("周一鸣", "甘肃五一劳动奖章"), ("吴丽华", "甘肃五一劳动奖章")}),
        # a profile paragraph: the person it opens with holds what a subjectless clause was given
        ("青山县总工会表彰了岳阳市劳动模范周一鸣。\n周一鸣，男，明远机械有限公司高级技师。作为一名工人，他完成多项攻关。"
         "先后荣获甘肃省技术能手、第三批甘肃省学雷锋标兵，2020年被评为岳阳市劳动模范。",
         {("周一鸣", "甘肃省技术能手"), ("周一鸣", "甘肃省学雷锋标兵"), ("周一鸣", "岳阳市劳动模范")}),
        # recipients who join a list made public
        ("日前，青山县总工会公布了岳阳市模范职工之家名单，明远机械有限公司工会、禾丰纺织集团工会成功入选。",
         {("明远机械有限公司工会", "岳阳市模范职工之家"), ("禾丰纺织集团工会", "岳阳市模范职工之家")}),
        ("青山县水利工会获得“岳阳市模范职工之家”荣誉。此外，明远机械有限公司工会、禾丰纺织集团工会等单位纷纷上榜。",
         {("明远机械有限公司工会", "岳阳市模范职工之家"), ("禾丰纺织集团工会", "岳阳市模范职工之家")}),
        # an alias in brackets inside the list, and “2个集体” closing it
        ("明远研究所（青山材料研究院）、禾丰纺织集团等9家单位被青山县总工会授予岳阳市五一劳动奖状。",
         {("明远研究所", "岳阳市五一劳动奖状"), ("禾丰纺织集团", "岳阳市五一劳动奖状")}),
        ("明远机械有限公司技术研发中心、禾丰纺织集团质检中心2个集体被授予岳阳市工人先锋号。",
         {("明远机械有限公司技术研发中心", "岳阳市工人先锋号")}),
        # the people listed after 上榜的N人分别是： hold the honour the headline names
        ("我市3人获首届“青山工匠”称号\n首届名单近日揭晓。\n我市上榜的2人分别是：明远机械有限公司副经理周一鸣；"
         "禾丰纺织集团总工程师吴丽华。",
         {("周一鸣", "青山工匠"), ("吴丽华", "青山工匠")}),
    ],
)
def test_entities_honour_rolls_profiles_and_lists_go_to_their_recipients(text, expected):
    _, trips = _analyse(text)
    assert expected <= {(s, o) for s, p, o in trips if p == "AWARDED"}


@pytest.mark.parametrize(
    "text",
    [
        # the clause has its own subject: the person the paragraph opens with is not the recipient
        "青山县总工会看望了周一鸣。\n周一鸣，明远机械有限公司总经理，该公司先后荣获岳阳市五一劳动奖状。",
        # a line of prose after an honour ends the roll
        "甘肃五一劳动奖章\n明远机械有限公司组织职工学习先进事迹，周一鸣作了发言。",
    ],
)
def test_entities_honours_not_given_to_a_paragraph_opener_or_across_prose(text):
    _, trips = _analyse(text)
    assert not [(s, o) for s, p, o in trips if p == "AWARDED" and s == ("周一鸣" if "总经理" in text else "明远机械有限公司")]


def test_programs_event_named_after_its_award_keeps_its_head():
    ents, trips = _analyse("青山省总工会开展了2024年度“青山工匠”选树活动，并组织“青山工匠年度人物”发布活动。")
    assert {("Program", "青山工匠选树活动"), ("Program", "青山工匠年度人物发布活动")} <= ents
    assert ("青山省总工会", "RUNS", "青山工匠选树活动") in trips
    assert ("Program", "青山工匠") not in ents


def test_programs_quoted_list_with_a_head_is_one_program():
    text = "由青山省总工会主办、明远机械有限公司承办的“建功青山、助推发展”主题职工技能竞赛近日开幕。"
    ents, trips = _analyse(text)
    assert ("Program", "建功青山、助推发展") in ents
    assert ("明远机械有限公司", "RUNS", "建功青山、助推发展") in trips
