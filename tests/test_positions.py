"""Positions (HOLDS_POSITION) the rules state, on invented sentences: which body a post is held in and its title."""

from __future__ import annotations

from kg.extract.extractors import run_rules
from kg.models import Document


def positions(text: str) -> dict[tuple[str, str], str]:
    """(person, body) → title of every HOLDS_POSITION the rules state about *text*."""
    _, trips = run_rules(Document(doc_id="t", text=text))
    return {(t.subject.name, t.object.name): t.attrs.get("title", "") for t in trips if t.predicate == "HOLDS_POSITION"}


def test_positions_post_in_a_unit_of_a_company_is_held_in_the_company():
    got = positions("宁川市远帆新材料有限公司研发中心主任周明远、青禾光电科技有限公司二分厂总装一班班长李春华获评“宁川工匠”。")
    assert got[("周明远", "宁川市远帆新材料有限公司")] == "研发中心主任"
    assert got[("李春华", "青禾光电科技有限公司")] == "二分厂总装一班班长"
    assert not any(body.endswith(("中心", "一班", "分厂")) for _, body in got)


def test_positions_plant_of_a_group_keeps_the_post():
    got = positions("宁川重工集团有限公司锻压厂锻工班班长李春华获评“宁川工匠”。")
    assert ("李春华", "宁川重工集团有限公司锻压厂") in got
