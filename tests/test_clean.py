"""Cleaning keeps an offset map back to the original text."""

from __future__ import annotations

import pytest

from kg.extract.clean import clean, is_wrapped, to_simplified

WRAPPED_PAGE = "\n".join(
    [
        "今年以来，青川市云溪区总工会以做实",
        "做优服务阵地为抓手，为明远机械有限公",
        "司送去图书一千余册和慰问品，为宿",
        "",
        "迁方舟、禾丰纺织集团送去慰问品，进",
        "一步丰富职工文体生活，区总工会还在",
        "全区新建职工之家5家，覆盖职工近千人",
        "次，受到广大职工的欢迎和好评，今后将",
        "继续推进职工之家建设，提升服务水平。",
        "【工会动态】",
    ]
)


def test_clean_joins_wrapped_names_across_lines_and_blank_lines():
    c = clean(WRAPPED_PAGE)
    assert c.wrapped
    assert "明远机械有限公司" in c.text
    assert "为宿迁方舟" in c.text


@pytest.mark.parametrize("needle", ["明远机械有限公司", "宿迁方舟", "禾丰纺织集团"])
def test_clean_offsets_map_back_into_the_original(needle):
    c = clean(WRAPPED_PAGE)
    i = c.text.index(needle)
    start, end = c.span(i, i + len(needle))
    original = WRAPPED_PAGE[start:end]
    assert original.replace("\n", "") == needle


def test_clean_keeps_heading_breaks():
    c = clean(WRAPPED_PAGE)
    assert "\n【工会动态】" in c.text


def test_clean_web_article_keeps_every_line_break():
    text = "标题一行\n2025-01-02\n\n第一段完整的话。\n第二段也完整。"
    c = clean(text)
    assert not c.wrapped
    assert c.text.split("\n") == ["标题一行", "2025-01-02", "第一段完整的话。", "第二段也完整。"]


def test_clean_offsets_cover_every_character():
    c = clean(WRAPPED_PAGE)
    assert len(c.offsets) == len(c.text) + 1
    assert all(0 <= o <= len(WRAPPED_PAGE) for o in c.offsets)
    assert list(c.offsets) == sorted(c.offsets)


def test_clean_traditional_text_is_matched_in_simplified_with_original_offsets():
    text = "雲溪區總工會為職工之家送去圖書。"
    c = clean(text)
    assert "总工会" in c.text and "职工之家" in c.text
    assert len(c.text) == len(text)


def test_to_simplified_keeps_length():
    assert len(to_simplified("臺灣總工會職工書屋")) == len("臺灣總工會職工書屋")


def test_is_wrapped_false_for_short_text():
    assert not is_wrapped("一行。")
