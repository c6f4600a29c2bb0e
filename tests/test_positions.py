"""Positions (HOLDS_POSITION) the rules state, on invented sentences: which body a post is held in and its title."""

from __future__ import annotations

from kg.extract.extractors import run_rules
from kg.models import Document


def positions(text: str) -> dict[tuple[str, str], str]:
    """(person, body) → title of every HOLDS_POSITION the rules state about *text*."""
    _, trips = run_rules(Document(doc_id="t", text=text))
    return {(t.subject.name, t.object.name): t.attrs.get("title", "") for t in trips if t.predicate == "HOLDS_POSITION"}


def test_positions_post_in_a_unit_of_a_company_is_held_in_the_company():
    got = positions("宁川市远帆新材料有限公司研发中心主任周明远、青禾光电科技有限公司三分厂装配二班班长李春华获评“宁川工匠”。")
    assert got[("周明远", "宁川市远帆新材料有限公司")] == "研发中心主任"
    assert got[("李春华", "青禾光电科技有限公司")] == "三分厂装配二班班长"
    assert not any(body.endswith(("中心", "二班", "分厂")) for _, body in got)


def test_positions_plant_of_a_group_keeps_the_post():
    got = positions("宁川重工集团有限公司锻压厂锻工班班长李春华获评“宁川工匠”。")
    assert ("李春华", "宁川重工集团有限公司锻压厂") in got


def test_positions_bare_union_after_an_organ_of_a_place_is_the_place_union():
    got = positions("青禾镇党委委员、总工会副主席周明远一行走访了远帆新材料有限公司。")
    assert got[("周明远", "青禾镇党委")] == "委员"
    assert got[("周明远", "青禾镇总工会")] == "副主席"


def test_positions_bare_union_after_a_company_names_no_union():
    got = positions("远帆新材料有限公司党委委员、工会副主席周明远介绍了情况。")
    assert got == {("周明远", "远帆新材料有限公司"): "党委委员"}


def test_positions_post_without_a_name_before_a_comma_goes_with_the_next_name():
    got = positions("宁川市青禾区人大常委会副主任，区总工会党组书记、主席周海平出席活动。")
    assert got[("周海平", "宁川市青禾区人大常委会")] == "副主任"
    assert any(person == "周海平" and body.endswith("区总工会") for person, body in got)


def test_positions_named_people_are_not_carried_over_a_comma():
    got = positions("青禾区委书记周明远，区委副书记李春华出席会议。")
    assert sorted(person for person, _ in got) == ["周明远", "李春华"]


def test_positions_elected_to_a_post_besides_the_post_before_the_name():
    got = positions("青禾新区党工委副书记周明远当选为宁川市青禾新区总工会主席。")
    assert got[("周明远", "宁川市青禾新区总工会")] == "主席"
    assert got[("周明远", "青禾新区党工委")] == "副书记"


def test_positions_bare_company_before_a_post_is_the_company_just_named():
    got = positions("青禾区总工会主席王海平一行赴远帆新材料有限公司调研，公司董事长周海平，党支部书记李春华参加座谈。")
    assert got[("周海平", "远帆新材料有限公司")] == "董事长"
    assert got[("李春华", "远帆新材料有限公司")] == "党支部书记"


def test_positions_head_of_a_government_holds_a_post_in_the_government_the_article_names():
    got = positions("青禾县人民政府与县总工会召开联席会议。县委副书记、县长周海平，副县长李春华出席会议。")
    assert got[("周海平", "青禾县人民政府")] == "县长"
    assert got[("李春华", "青禾县人民政府")] == "副县长"


def test_positions_leader_of_a_body_before_the_name():
    assert ("周海平", "宁川市总工会") in positions("宁川市总工会领导周海平一行来我站调研。")


def test_positions_profile_opening_with_the_name():
    got = positions("表彰大会在宁川召开。\n周海平，远帆保洁有限公司高级保洁培训师，宁川市优秀农民工。")
    assert got == {("周海平", "远帆保洁有限公司"): "高级保洁培训师"}


def test_positions_profile_needs_a_post_after_the_body():
    assert positions("表彰大会在宁川召开。\n周海平，远帆家政服务有限公司的老朋友，常来看望。") == {}


def test_positions_employee_come_from_a_company():
    assert ("周海平", "远帆新材料有限公司") in positions("来自远帆新材料有限公司的周海平是首发团的一员。")


def test_positions_three_character_name_before_a_verb_of_leading():
    # “林带” is a word, but “带领” after the name shows the clause goes on after 林
    assert positions("宁川市总工会副主席李春林带领慰问组来到青禾区。") == {("李春林", "宁川市总工会"): "副主席"}


def test_positions_long_department_between_two_titles():
    got = positions("会上，远帆路桥建设有限公司党委副书记、青禾大桥项目部经理周海平获得表彰。")
    assert got == {("周海平", "远帆路桥建设有限公司"): "党委副书记、青禾大桥项目部经理"}


def test_positions_company_union_before_a_post_is_the_union_of_the_company_just_named():
    got = positions("在远帆新材料有限公司职工书屋，公司工会负责人周海平接受了赠书。")
    assert got == {("周海平", "远帆新材料有限公司工会"): "负责人"}


def test_positions_expert_is_a_post_before_a_name():
    got = positions("宁川市总工会请来远帆化工集团公司技能专家周海平、青禾电力公司检修专家李春华一起授课。")
    assert got[("周海平", "远帆化工集团公司")] == "技能专家"


def test_positions_brand_in_brackets_between_the_body_and_the_post():
    got = positions("宁川远帆科技有限公司（远帆出行）司机周海平接过会员证。")
    assert got == {("周海平", "宁川远帆科技有限公司"): "司机"}


def test_positions_two_posts_in_two_bodies_with_an_occupation_before_the_first():
    got = positions("宁川市总工会请来远帆管道工程公司焊工高级技师、青禾化工集团公司技能专家周海平讲课。")
    assert got[("周海平", "远帆管道工程公司")] == "焊工高级技师"
    assert got[("周海平", "青禾化工集团公司")] == "技能专家"


def test_positions_profile_post_with_a_number():
    got = positions("表彰大会在宁川召开。\n周海平，远帆重工有限公司锻压厂锻3班班长、高级技师，扎根一线二十年。")
    assert ("周海平", "远帆重工有限公司") in got
