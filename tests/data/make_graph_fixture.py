"""Regenerate tests/data/graph_fixture/ (fictional bodies and people).

A tiny extraction output in the exchange formats of ONTOLOGY.md, for tests of
the loader, the saved queries, the embedded database and the diagrams that
must not depend on the extractor. Run: python tests/data/make_graph_fixture.py
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).parent / "graph_fixture"

DOCS = {
    "fx001": {
        "title": "云溪区总工会“匠心助企行”走进明远机械",
        "date": "2025-05-12",
        "source": "岳阳日报",
        "body": (
            "本报讯 近日，岳阳市云溪区总工会开展“匠心助企行”活动，走进明远机械有限公司，为企业送去技术服务。"
            "区总工会主席王志远带队走访明远机械有限公司。"
            "云溪区总工会在明远机械有限公司成立明远机械有限公司劳模创新工作室，李春华为领头人。"
            "明远机械有限公司工会小组荣获全省模范职工小家。"
            "云溪区总工会联合岳阳市人社局，为新业态从业劳动者提供服务。"
            "岳阳市云溪区总工会在岳阳县总工会的领导下开展工作。"
        ),
    },
    "fx002": {
        "title": "安远县总工会启动“匠心助企行”",
        "date": "2025-06-03",
        "source": "江西工人报",
        "body": (
            "日前，江西省安远县总工会启动“匠心助企行”专项行动，为困难职工送去慰问金30万元，惠及1600余人。"
            "县总工会副主席赵晓梅表示，将在禾丰纺织集团新建职工之家。"
            "岳阳市云溪区总工会开展“匠心助企行”活动，走进明远机械有限公司，为企业送去技术服务。"
        ),
    },
}

# (type, name, aliases, surfaces to locate as mentions)
ENTITIES = {
    "fx001": [
        ("Union", "岳阳市云溪区总工会", ["云溪区总工会"], ["岳阳市云溪区总工会", "云溪区总工会", "区总工会"]),
        ("Program", "匠心助企行", [], ["匠心助企行"]),
        ("Enterprise", "明远机械有限公司", ["明远机械"], ["明远机械有限公司", "明远机械"]),
        ("Person", "王志远", [], ["王志远"]),
        ("Facility", "明远机械有限公司劳模创新工作室", [], ["明远机械有限公司劳模创新工作室"]),
        ("Person", "李春华", [], ["李春华"]),
        ("Union", "明远机械有限公司工会小组", [], ["明远机械有限公司工会小组"]),
        ("Award", "全省模范职工小家", [], ["全省模范职工小家"]),
        ("Organization", "岳阳市人社局", [], ["岳阳市人社局"]),
        ("Group", "新业态从业劳动者", [], ["新业态从业劳动者"]),
        ("Union", "岳阳县总工会", [], ["岳阳县总工会"]),
        ("Region", "岳阳市云溪区", ["云溪区"], ["岳阳市云溪区"]),
        ("Region", "岳阳市", [], ["岳阳市"]),
    ],
    "fx002": [
        ("Union", "安远县总工会", [], ["安远县总工会", "县总工会"]),
        ("Program", "匠心助企行", ["匠心助企行专项行动"], ["匠心助企行"]),
        ("Group", "困难职工", [], ["困难职工"]),
        ("Person", "赵晓梅", [], ["赵晓梅"]),
        ("Enterprise", "禾丰纺织集团", [], ["禾丰纺织集团"]),
        ("Facility", "禾丰纺织集团职工之家", [], ["职工之家"]),
        ("Region", "江西省安远县", ["安远县"], ["江西省安远县", "安远县"]),
        ("Union", "岳阳市云溪区总工会", ["云溪区总工会"], ["岳阳市云溪区总工会"]),
        ("Enterprise", "明远机械有限公司", ["明远机械"], ["明远机械有限公司"]),
    ],
}

# (doc, s_type, s, p, o_type, o, attrs, evidence sentence, extractor)
TRIPLES = [
    ("fx001", "Union", "岳阳市云溪区总工会", "RUNS", "Program", "匠心助企行", {}, "岳阳市云溪区总工会开展“匠心助企行”活动，走进明远机械有限公司，为企业送去技术服务。", "pattern:runs"),
    ("fx001", "Union", "岳阳市云溪区总工会", "SUPPORTS", "Enterprise", "明远机械有限公司", {"program": "匠心助企行"}, "岳阳市云溪区总工会开展“匠心助企行”活动，走进明远机械有限公司，为企业送去技术服务。", "pattern:supports"),
    ("fx001", "Person", "王志远", "HOLDS_POSITION", "Union", "岳阳市云溪区总工会", {"title": "主席"}, "区总工会主席王志远带队走访明远机械有限公司。", "pattern:position"),
    ("fx001", "Union", "岳阳市云溪区总工会", "VISITS", "Enterprise", "明远机械有限公司", {}, "区总工会主席王志远带队走访明远机械有限公司。", "pattern:visits"),
    ("fx001", "Person", "王志远", "VISITS", "Enterprise", "明远机械有限公司", {}, "区总工会主席王志远带队走访明远机械有限公司。", "pattern:visits"),
    ("fx001", "Union", "岳阳市云溪区总工会", "ESTABLISHES", "Facility", "明远机械有限公司劳模创新工作室", {}, "云溪区总工会在明远机械有限公司成立明远机械有限公司劳模创新工作室，李春华为领头人。", "pattern:establish"),
    ("fx001", "Facility", "明远机械有限公司劳模创新工作室", "LOCATED_AT", "Enterprise", "明远机械有限公司", {}, "云溪区总工会在明远机械有限公司成立明远机械有限公司劳模创新工作室，李春华为领头人。", "pattern:located"),
    ("fx001", "Person", "李春华", "LEADS", "Facility", "明远机械有限公司劳模创新工作室", {}, "云溪区总工会在明远机械有限公司成立明远机械有限公司劳模创新工作室，李春华为领头人。", "pattern:leads"),
    ("fx001", "Union", "明远机械有限公司工会小组", "AWARDED", "Award", "全省模范职工小家", {}, "明远机械有限公司工会小组荣获全省模范职工小家。", "pattern:awarded"),
    ("fx001", "Union", "明远机械有限公司工会小组", "LOCATED_AT", "Enterprise", "明远机械有限公司", {}, "明远机械有限公司工会小组荣获全省模范职工小家。", "pattern:located"),
    ("fx001", "Union", "岳阳市云溪区总工会", "PARTNERS_WITH", "Organization", "岳阳市人社局", {}, "云溪区总工会联合岳阳市人社局，为新业态从业劳动者提供服务。", "pattern:partners"),
    ("fx001", "Union", "岳阳市云溪区总工会", "SUPPORTS", "Group", "新业态从业劳动者", {}, "云溪区总工会联合岳阳市人社局，为新业态从业劳动者提供服务。", "pattern:supports"),
    ("fx001", "Union", "岳阳市云溪区总工会", "PART_OF", "Union", "岳阳县总工会", {}, "岳阳市云溪区总工会在岳阳县总工会的领导下开展工作。", "pattern:part_of"),
    ("fx001", "Union", "岳阳市云溪区总工会", "IN_REGION", "Region", "岳阳市云溪区", {}, "岳阳市云溪区总工会", "name:region"),
    ("fx001", "Union", "岳阳县总工会", "IN_REGION", "Region", "岳阳市", {}, "岳阳县总工会", "name:region"),
    ("fx001", "Organization", "岳阳市人社局", "IN_REGION", "Region", "岳阳市", {}, "岳阳市人社局", "name:region"),
    ("fx002", "Union", "安远县总工会", "RUNS", "Program", "匠心助企行", {}, "日前，江西省安远县总工会启动“匠心助企行”专项行动，为困难职工送去慰问金30万元，惠及1600余人。", "pattern:runs"),
    ("fx002", "Union", "安远县总工会", "SUPPORTS", "Group", "困难职工", {"program": "匠心助企行", "amount": "30万元", "count": "1600余人"}, "日前，江西省安远县总工会启动“匠心助企行”专项行动，为困难职工送去慰问金30万元，惠及1600余人。", "pattern:supports"),
    ("fx002", "Person", "赵晓梅", "HOLDS_POSITION", "Union", "安远县总工会", {"title": "副主席"}, "县总工会副主席赵晓梅表示，将在禾丰纺织集团新建职工之家。", "pattern:position"),
    ("fx002", "Union", "安远县总工会", "ESTABLISHES", "Facility", "禾丰纺织集团职工之家", {"status": "planned"}, "县总工会副主席赵晓梅表示，将在禾丰纺织集团新建职工之家。", "pattern:establish"),
    ("fx002", "Facility", "禾丰纺织集团职工之家", "LOCATED_AT", "Enterprise", "禾丰纺织集团", {}, "县总工会副主席赵晓梅表示，将在禾丰纺织集团新建职工之家。", "pattern:located"),
    ("fx002", "Union", "安远县总工会", "IN_REGION", "Region", "江西省安远县", {}, "江西省安远县总工会", "name:region"),
    # the same facts as fx001 reported again: one relationship, two evidence entries
    ("fx002", "Union", "岳阳市云溪区总工会", "RUNS", "Program", "匠心助企行", {}, "岳阳市云溪区总工会开展“匠心助企行”活动，走进明远机械有限公司，为企业送去技术服务。", "pattern:runs"),
    ("fx002", "Union", "岳阳市云溪区总工会", "SUPPORTS", "Enterprise", "明远机械有限公司", {"program": "匠心助企行"}, "岳阳市云溪区总工会开展“匠心助企行”活动，走进明远机械有限公司，为企业送去技术服务。", "pattern:supports"),
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    texts = {}
    with (OUT / "documents.jsonl").open("w", encoding="utf-8") as fh:
        for doc_id, d in DOCS.items():
            text = d["title"] + "\n\n" + d["body"]
            texts[doc_id] = text
            rec = {"doc_id": doc_id, "text": text, "title": d["title"], "date": d["date"],
                   "source": d["source"], "path": f"{doc_id}.jsonl"}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    with (OUT / "entities.jsonl").open("w", encoding="utf-8") as fh:
        for doc_id, ents in ENTITIES.items():
            text = texts[doc_id]
            for etype, name, aliases, surfaces in ents:
                mentions, seen = [], set()
                for s in surfaces:
                    i = text.find(s)
                    while i >= 0:
                        if i not in seen:
                            seen.add(i)
                            mentions.append({"start": i, "end": i + len(s)})
                        i = text.find(s, i + 1)
                assert mentions, (doc_id, name)
                mentions.sort(key=lambda m: m["start"])
                fh.write(json.dumps({"doc_id": doc_id, "type": etype, "name": name, "aliases": aliases,
                                     "mentions": mentions}, ensure_ascii=False) + "\n")
    with (OUT / "triples.jsonl").open("w", encoding="utf-8") as fh:
        for doc_id, st, s, p, ot, o, attrs, sentence, extractor in TRIPLES:
            start = texts[doc_id].find(sentence)
            assert start >= 0, (doc_id, sentence)
            rec = {"doc_id": doc_id, "subject": {"type": st, "name": s}, "predicate": p,
                   "object": {"type": ot, "name": o}, "attrs": attrs,
                   "evidence": {"sentence": sentence, "start": start, "end": start + len(sentence)},
                   "confidence": 0.9 if extractor.startswith("pattern") else 0.95, "extractor": extractor}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
