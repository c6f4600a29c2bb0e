"""kg.extract.reader: encodings, records, folders and every kind of bad input."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from kg.extract.reader import DecodeFailure, decode_bytes, head_of_article, read_documents
from kg.models import Document, InputProblem, ReaderOptions
from kg.resources import package_data

SHORT = "工会"
ARTICLE = "澄湖区总工会开展送清凉活动\n2025-07-18\n\n本报讯 区总工会主席陈海燕带队走访恒锐公司，为职工送去慰问品。\n"
LONG = ARTICLE + "据统计，今年夏季区总工会共投入资金28万元，慰问职工3200余人次。\n" * 40
TRADITIONAL = "臺灣省總工會舉辦職工聯誼活動，關懷勞工。"


def read_all(*paths: Path, options: ReaderOptions | None = None) -> tuple[list[Document], list[InputProblem]]:
    items = list(read_documents(list(paths), options=options))
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, InputProblem)]


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("text", [SHORT, "总工会慰问", ARTICLE, LONG, "abc 工会 2024-01-01\n", "a"])
@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le", "utf-16-be", "utf-32"],
)
def test_reader_decodes_encoding(text: str, encoding: str) -> None:
    data = text.encode(encoding)
    decoded, _ = decode_bytes(data)
    assert decoded == text


@pytest.mark.parametrize("text", [TRADITIONAL, TRADITIONAL * 20])
def test_reader_decodes_big5(text: str) -> None:
    assert decode_bytes(text.encode("big5"))[0] == text


@pytest.mark.parametrize("text", ["宿迁市为环卫工人增设三处工会驿站", "工会", SHORT * 3, "区总工会开展“夏送清凉”活动。"])
def test_reader_gbk_not_misdetected_as_big5(text: str) -> None:
    # charset-normalizer alone calls short GBK text Big5; the reader must not.
    assert decode_bytes(text.encode("gbk")) == (text, "gb18030")


def test_reader_gb18030_four_byte_characters() -> None:
    text = "工会𠀀职工㐀"  # CJK extensions exist only as four-byte GB18030 sequences
    assert decode_bytes(text.encode("gb18030"))[0] == text


def test_reader_keeps_text_exactly_as_decoded(tmp_path: Path) -> None:
    text = "标题\r\n2025-01-02\r\n\r\n正文\r第二行\n  缩进\t末尾 "
    (tmp_path / "crlf.txt").write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    [doc], problems = read_all(tmp_path / "crlf.txt")
    assert problems == []
    assert doc.text == text  # no newline translation, only the BOM removed
    assert doc.title == "标题" and doc.date == "2025-01-02"


@pytest.mark.parametrize("encoding", ["gbk", "utf-16", "utf-8-sig"])
def test_reader_reads_files_in_encoding(tmp_path: Path, encoding: str) -> None:
    (tmp_path / "a.txt").write_bytes(ARTICLE.encode(encoding))
    [doc], problems = read_all(tmp_path / "a.txt")
    assert not problems
    assert doc.text == ARTICLE and doc.doc_id == "a"


def test_reader_encoding_override(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(ARTICLE.encode("gb18030"))
    [doc], _ = read_all(tmp_path / "a.txt", options=ReaderOptions(encoding="gb18030"))
    assert doc.text == ARTICLE
    docs, [problem] = read_all(tmp_path / "a.txt", options=ReaderOptions(encoding="utf-16"))
    assert docs == [] and "--encoding" in problem.message


def test_reader_unknown_encoding_override(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    _, [problem] = read_all(tmp_path / "a.txt", options=ReaderOptions(encoding="no-such-codec"))
    assert "unknown encoding" in problem.message


# --------------------------------------------------------------------------- title and date


@pytest.mark.parametrize(
    ("text", "title", "date"),
    [
        ("区总工会开展送清凉活动\n2025-07-24\n\n本报讯 正文。", "区总工会开展送清凉活动", "2025-07-24"),
        ("2024-11-13\n\n本报讯 正文。", "", "2024-11-13"),
        ("标题\n\n发布时间：2024年8月3日 10:20\n\n正文", "标题", "2024-08-03"),
        ("标题在此\n\n本报讯 正文没有日期。", "标题在此", ""),
        ("本报讯 这是一段很长的正文，并不是标题，它以句号结尾。\n第二段。", "", ""),
        ("\n\n  标题前有空行\n2020/9/16\n\n正文", "标题前有空行", "2020-09-16"),
    ],
)
def test_reader_head_of_article(text: str, title: str, date: str) -> None:
    assert head_of_article(text) == (title, date)


def test_reader_markdown_title(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# 区总工会成立职工之家\n\n正文", encoding="utf-8")
    [doc], _ = read_all(tmp_path / "a.md")
    assert doc.title == "区总工会成立职工之家"
    assert doc.text.startswith("# ")


def test_reader_source_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("标题\n2025-01-01\n\n正文。\n\n来源:示例日报\n", encoding="utf-8")
    [doc], _ = read_all(tmp_path / "a.txt")
    assert doc.source == "示例日报"


# --------------------------------------------------------------------------- records


def test_reader_jsonl_records(tmp_path: Path) -> None:
    lines = [
        {"id": "r1", "title": "标题一", "date": "2025-01-02", "source": "日报", "text": "正文一。"},
        {"title": "", "text": "只有正文。"},
        {"id": 7, "text": "数字编号。"},
    ]
    path = tmp_path / "recs.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in lines) + "\n", encoding="utf-8")
    docs, problems = read_all(path)
    assert problems == []
    assert [d.doc_id for d in docs] == ["r1", "recs-2", "7"]
    assert docs[0].text == "标题一\n\n正文一。"
    assert docs[0].text.index("正文一") == len("标题一") + 2  # offsets: title + blank line + text
    assert (docs[0].title, docs[0].date, docs[0].source, docs[0].path) == ("标题一", "2025-01-02", "日报", str(path))
    assert docs[1].text == "只有正文。" and docs[1].title == ""


def test_reader_jsonl_custom_fields(tmp_path: Path) -> None:
    path = tmp_path / "recs.jsonl"
    record = {"uid": "x1", "headline": "标题", "published": "2025-02-03", "media": "晚报", "content": "正文\n第二段"}
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    options = ReaderOptions(
        id_field="uid", title_field="headline", date_field="published", source_field="media", text_field="content"
    )
    [doc], problems = read_all(path, options=options)
    assert problems == []
    assert (doc.doc_id, doc.title, doc.date, doc.source) == ("x1", "标题", "2025-02-03", "晚报")
    assert doc.text == "标题\n\n正文\n第二段"


def test_reader_jsonl_keeps_unicode_line_separators(tmp_path: Path) -> None:
    path = tmp_path / "recs.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "第一\u2028第二"}, ensure_ascii=False) + "\n", encoding="utf-8")
    [doc], problems = read_all(path)
    assert problems == [] and doc.text == "第一\u2028第二"


def test_reader_csv_records(tmp_path: Path) -> None:
    path = tmp_path / "recs.csv"
    path.write_text(
        'id,title,date,text\nc1,标题,2025-01-01,"正文，含逗号\n和换行"\n,无编号,,正文二\n', encoding="utf-8"
    )
    docs, problems = read_all(path)
    assert problems == []
    assert [d.doc_id for d in docs] == ["c1", "recs-4"]
    assert docs[0].text == "标题\n\n正文，含逗号\n和换行"


def test_reader_csv_custom_fields_and_gbk(tmp_path: Path) -> None:
    path = tmp_path / "recs.csv"
    path.write_bytes("编号,正文\nk1,区总工会开展活动。\n".encode("gbk"))
    [doc], problems = read_all(path, options=ReaderOptions(id_field="编号", text_field="正文"))
    assert problems == [] and doc.doc_id == "k1" and doc.text == "区总工会开展活动。"


def test_reader_csv_tab_separated(tmp_path: Path) -> None:
    path = tmp_path / "recs.csv"
    path.write_text("id\ttext\nt1\t正文，含逗号\n", encoding="utf-8")
    [doc], _ = read_all(path)
    assert doc.text == "正文，含逗号"


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "empty file"),
        ("nul.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        ("garbage.txt", bytes(range(1, 32)) * 20, "binary"),
        ("random.md", bytes(range(256)) * 8, "binary"),
        ("empty.jsonl", b"", "empty file"),
    ],
)
def test_reader_bad_file_is_problem(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    (tmp_path / name).write_bytes(content)
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    docs, [problem] = read_all(tmp_path)
    assert [d.doc_id for d in docs] == ["good"]  # the rest is processed
    assert problem.path == str(tmp_path / name)
    assert expected in problem.message
    assert ";" in problem.message  # … and says what to do


def test_reader_broken_jsonl_lines(tmp_path: Path) -> None:
    path = tmp_path / "recs.jsonl"
    path.write_text(
        '{"id": "a", "text": "正文一"}\n'
        '{"id": "b", "text": "断了\n'
        "\n"
        '["not", "an", "object"]\n'
        '{"id": "c", "title": "无正文"}\n'
        '{"id": "d", "text": "正文四"}\n',
        encoding="utf-8",
    )
    docs, problems = read_all(path)
    assert [d.doc_id for d in docs] == ["a", "d"]
    assert [(p.path, p.line) for p in problems] == [(str(path), 2), (str(path), 4), (str(path), 5)]
    assert "not valid JSON" in problems[0].message
    assert "not a JSON object" in problems[1].message
    assert "--text-field" in problems[2].message
    assert str(problems[0]).startswith(f"{path}:2: ")


def test_reader_csv_row_without_text(tmp_path: Path) -> None:
    path = tmp_path / "recs.csv"
    path.write_text("id,text\nc1,正文一\nc2,\nc3,正文三\n", encoding="utf-8")
    docs, [problem] = read_all(path)
    assert [d.doc_id for d in docs] == ["c1", "c3"]
    assert (problem.line, "no text" in problem.message) == (3, True)


def test_reader_csv_without_text_column(tmp_path: Path) -> None:
    path = tmp_path / "recs.csv"
    path.write_text("id,body\nc1,正文\n", encoding="utf-8")
    docs, [problem] = read_all(path)
    assert docs == [] and problem.line == 1 and "--text-field" in problem.message


def test_reader_duplicate_ids_skipped(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "same.txt").write_text("第一篇", encoding="utf-8")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "same.md").write_text("第二篇", encoding="utf-8")
    (tmp_path / "recs.jsonl").write_text('{"id": "same", "text": "第三篇"}\n', encoding="utf-8")
    docs, problems = read_all(tmp_path)
    assert [d.text for d in docs] == ["第一篇"]
    assert [(Path(p.path).name, p.line) for p in problems] == [("same.md", None), ("recs.jsonl", 1)]
    assert all("duplicate document id 'same'" in p.message for p in problems)


def test_reader_missing_path(tmp_path: Path) -> None:
    docs, [problem] = read_all(tmp_path / "nope")
    assert docs == [] and "no such file" in problem.message


def test_reader_unknown_extension(tmp_path: Path) -> None:
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "a.txt").write_text("正文", encoding="utf-8")
    docs, problems = read_all(tmp_path)  # in a folder: skipped silently
    assert [d.doc_id for d in docs] == ["a"] and problems == []
    docs, [problem] = read_all(tmp_path / "notes.docx")  # named explicitly: a problem
    assert docs == [] and "unsupported file type '.docx'" in problem.message


def test_reader_folder_without_articles(tmp_path: Path) -> None:
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    _, [problem] = read_all(tmp_path)
    assert "no .txt" in problem.message


# --------------------------------------------------------------------------- folders


def test_reader_folders_recursive_sorted(tmp_path: Path) -> None:
    for rel in ["b/2.txt", "a/z.txt", "a/sub/y.txt", "c.txt", ".hidden/h.txt", "a/.h.txt"]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rel, encoding="utf-8")
    docs, problems = read_all(tmp_path)
    assert problems == []
    assert [d.text for d in docs] == ["a/sub/y.txt", "a/z.txt", "b/2.txt", "c.txt"]
    # the same file named twice (folder and file) is read once
    docs2, problems2 = read_all(tmp_path, tmp_path / "c.txt")
    assert [d.text for d in docs2] == [d.text for d in docs] and problems2 == []


def test_reader_example_corpus() -> None:
    docs, problems = read_all(package_data("example"))
    assert problems == []
    assert len(docs) >= 6
    gbk = [d for d in docs if "gbk" in d.doc_id]
    assert gbk and "总工会" in gbk[0].text
    records = [d for d in docs if d.doc_id.startswith("rec-")]
    assert len(records) == 2 and all(d.text.startswith(d.title + "\n\n") for d in records)


def test_reader_dev_corpus_reads_cleanly(dev_dir: Path) -> None:
    docs, problems = read_all(dev_dir / "corpus")
    assert problems == [] and len(docs) >= 20
    assert all(d.text == (dev_dir / "corpus" / f"{d.doc_id}.txt").read_bytes().decode("utf-8") for d in docs)


def test_reader_decode_failure_is_value_error() -> None:
    with pytest.raises(DecodeFailure):
        decode_bytes(b"\x00\x01\x02\x03")


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_reader_damaged_file_names_line(tmp_path: Path, encoding: str) -> None:
    data = LONG.encode(encoding)
    cut = data.index("本报讯".encode(encoding))
    (tmp_path / "bad.txt").write_bytes(data[:cut] + b"\xff" + data[cut:])
    docs, [problem] = read_all(tmp_path / "bad.txt")
    assert docs == []
    assert "damaged byte" in problem.message and "line 4" in problem.message


@pytest.mark.parametrize(
    "data", ["Привет мир, это тест на русском языке.".encode("cp1251"), "日本語のテキストです。".encode("shift_jis")]
)
def test_reader_other_encodings_fall_back_to_charset_normalizer(data: bytes) -> None:
    # not expected in Chinese union news, but readable rather than lost
    text, _ = decode_bytes(data)
    assert text in {"Привет мир, это тест на русском языке.", "日本語のテキストです。"}


def test_reader_exclude_folder(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("正文", encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "documents.jsonl").write_text('{"doc_id": "a", "text": "正文"}\n', encoding="utf-8")
    docs, problems = read_all(tmp_path)
    assert len(docs) == 2
    items = list(read_documents([tmp_path], exclude=[tmp_path / "out"]))
    assert [d.doc_id for d in items if isinstance(d, Document)] == ["a"]
