"""Help (SUPPORTS): beneficiary classes and the help features of the learned extractor, on invented sentences."""

from __future__ import annotations

import pytest

from kg.extract.analysis import analyse
from kg.extract.learn.features import relation_features
from kg.extract.learn.instances import view_of
from kg.extract.mentions.groups import group_candidates
from kg.extract.segment import Sentence
from kg.models import Document


def _groups(text: str) -> set[str]:
    return {c.name for c in group_candidates(Sentence(0, len(text), text, 0), text)}


@pytest.mark.parametrize(
    ("text", "group", "absent"),
    [
        ("市总工会给省级以上困难劳模发放补助金。", "困难劳模", "上困难劳模"),
        ("向一线职工和护林员、消防员捐赠了棉衣。", "消防员", ""),
    ],
)
def test_help_groups_class_after_a_rank_or_before_a_gift(text, group, absent):
    found = _groups(text)
    assert group in found and absent not in found


@pytest.mark.parametrize("text", ["慰问各条战线职工，送上祝福。", "为各行业劳动者代表送上礼包。"])
def test_help_groups_every_line_of_work_is_no_class(text):
    assert not _groups(text)


def _support_rows(text: str) -> dict[tuple[str, str, bool], dict[str, float]]:
    view = view_of(analyse(Document(doc_id="h", text=text)))
    return {(r.s.name, r.o.name, r.s.virtual): relation_features(view, r) for r in view.relation_instances()
            if r.p == "SUPPORTS"}


def test_help_features_tell_examples_from_the_class_they_stand_for():
    rows = _support_rows("溪口县总工会开展送清凉活动。溪口县总工会看望了环卫工、快递员等户外劳动者，送去防暑用品。")
    example = rows[("溪口县总工会", "环卫工", False)]
    cls = rows[("溪口县总工会", "户外劳动者", False)]
    assert example["SUPPORTS|example_of_class"] and "SUPPORTS|class_after_examples" not in example
    assert cls["SUPPORTS|class_after_examples"] and "SUPPORTS|example_of_class" not in cls


def test_help_features_an_officials_other_post_is_not_the_helper():
    """An official with a post in a congress and one in a union leads the help: the union helps."""
    rows = _support_rows("12月5日，溪口县人大常委会副主任、溪口县总工会主席周立新带队慰问了困难职工，送去慰问金。")
    congress = next(v for (s, o, virt), v in rows.items() if s.endswith("人大常委会") and o == "困难职工" and not virt)
    union = next(v for (s, o, virt), v in rows.items() if s == "溪口县总工会" and o == "困难职工" and not virt)
    assert congress["SUPPORTS|s_dual_post"] and congress["SUPPORTS|s_not_union"]
    assert congress["SUPPORTS|other_union_in_sentence"]
    assert union["SUPPORTS|s_union"] and "SUPPORTS|s_dual_post" not in union


def test_help_features_a_person_visited_at_home_and_an_official():
    rows = _support_rows("溪口县总工会主席周立新一行来到困难职工吴海平家中，送上慰问金。")
    helped = next(v for (s, o, _), v in rows.items() if o == "吴海平")
    assert helped["SUPPORTS|person_of_class"] and helped["SUPPORTS|person_at_home"]
    official = [v for (s, o, _), v in rows.items() if o == "周立新"]
    assert all(v["SUPPORTS|person_official"] for v in official)


def _rule_help(text: str) -> set[tuple[str, str]]:
    from helpers_rules import rule_facts

    return {(s, o) for s, p, o in rule_facts(text)[1] if p == "SUPPORTS"}


def test_help_rule_the_union_helps_not_the_officials_other_post():
    helped = _rule_help("1月8日，溪口县人大常委会副主任、溪口县总工会主席周立新带队慰问了部分困难职工，送去慰问金。")
    assert ("溪口县总工会", "困难职工") in helped
    assert not {s for s, _ in helped if s.endswith("人大常委会")}


def test_help_rule_the_person_is_helped_not_the_class_that_describes_them():
    helped = _rule_help("溪口县总工会还看望了明远机械有限公司患病困难女职工吴海平。")
    assert ("溪口县总工会", "吴海平") in helped
    assert not {o for _, o in helped if o.endswith("职工")}


def test_help_rule_wei_of_being_is_no_help():
    assert not _rule_help("溪口县总工会作为户外劳动者的娘家人，为他们提供了帮助。")
    assert ("溪口县总工会", "户外劳动者") in _rule_help("溪口县总工会为户外劳动者送去防暑用品。")
