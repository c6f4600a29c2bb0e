"""Articles and sentences of a page."""

from __future__ import annotations

from kg.extract.clean import clean
from kg.extract.segment import split_articles, split_sentences

PAGE = (
    "第一篇文章的标题\n【栏目一】\n甲市总工会开展活动。甲市总工会还慰问了职工。\n"
    "【栏目二】\n乙县总工会成立职工之家。\n"
    "责任编辑/张三 版面编辑/李四 校对/王五\n"
)


def test_segment_splits_articles_at_headings_and_mastheads():
    secs = split_articles(PAGE, wrapped=True)
    texts = [PAGE[s.start : s.end] for s in secs]
    assert any("甲市总工会开展活动" in t for t in texts)
    assert any("乙县总工会成立职工之家" in t and "甲市" not in t for t in texts)
    assert any(s.masthead for s in secs)


def test_segment_title_joins_the_article_it_heads():
    secs = split_articles(PAGE, wrapped=True)
    first = PAGE[secs[0].start : secs[0].end]
    assert "第一篇文章的标题" in first and "甲市总工会开展活动" in first


def test_segment_sentences_never_cross_articles():
    secs = split_articles(PAGE, wrapped=True)
    sents = split_sentences(PAGE, secs)
    for s in sents:
        sec = secs[s.article]
        assert sec.start <= s.start < s.end <= sec.end
        assert PAGE[s.start : s.end] == s.text


def test_segment_web_article_is_one_article():
    text = "标题\n2025-01-01\n\n正文一句。正文二句！"
    c = clean(text)
    secs = split_articles(c.text, wrapped=c.wrapped)
    assert len(secs) == 1
    assert [s.text for s in split_sentences(c.text, secs)][-2:] == ["正文一句。", "正文二句！"]


def test_segment_sentences_are_bounded_on_text_without_sentence_ends():
    """A run with no 。 (a table, an export without punctuation) is cut at commas, else at the bound,
    so rules never read one huge sentence; the pieces cover the text with exact offsets."""
    from kg.extract.segment import MAX_SENTENCE, Section

    text = "某区总工会慰问一线职工，为环卫工人送去清凉" * 200 + "某县总工会" * 300 + "。短句。"
    sents = split_sentences(text, [Section(index=0, start=0, end=len(text))])
    assert all(len(s.text) <= MAX_SENTENCE and text[s.start : s.end] == s.text for s in sents)
    assert "".join(s.text for s in sents) == text  # nothing lost, nothing doubled
    assert sum(s.text.endswith("，") for s in sents) >= 10  # cut at commas where there are some
    assert [s.text for s in sents[-1:]] == ["短句。"]
