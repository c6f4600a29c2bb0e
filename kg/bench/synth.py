"""Synthetic graphs shaped like the union-news corpus, for benchmarks (deterministic).

:func:`synthetic_graph` returns a :class:`~kg.models.GraphData` with all nine
entity types and every predicate, each triple within the ontology's domain
and range, evidence entries with offsets, documents and mentions. Names are
fictional but read like the corpus (市/区总工会, 有限公司, 职工之家, 行动 ...);
subjects follow a skewed distribution, so a few bodies are hubs as in the
real news.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator

from kg.models import Document, EntityRef, EvidenceRecord, GraphData, MentionRecord, NodeRecord, RelRecord
from kg.ontology import load_ontology

__all__ = ["synthetic_articles", "synthetic_graph"]

_PROVINCES = ("江苏省", "广东省", "湖南省", "江西省", "浙江省", "山东省", "河南省", "四川省", "湖北省", "安徽省")
_SYL = tuple("明远禾丰安泰华晨新宇东方恒达金陵秦淮云溪洪泽高邮鼎盛瑞祥嘉和兴隆宏图永昌福海长江翠屏"
             "天鹅湾星河锦程立信博通宝丰润泽德胜青山白鹭紫金凤凰龙腾春晖")
_CITY_HEADS = ("州市", "阳市", "安市", "江市", "山市", "城市", "宁市", "昌市")
_DISTRICT_HEADS = ("区", "县", "新区", "经济开发区")
_INDUSTRY = ("机械", "纺织", "电子", "物流", "食品", "建材", "化工", "汽车部件", "新材料", "医药", "电力", "酒店")
_COMPANY_FORMS = ("有限公司", "有限责任公司", "集团有限公司", "股份有限公司")
_ORGANS = ("人力资源和社会保障局", "税务局", "总商会", "妇女联合会", "教育局", "卫生健康委员会", "职业技术学院",
           "图书馆", "融媒体中心", "慈善总会", "委党校", "科学技术协会")
_SURNAMES = tuple("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢")
_GIVEN = tuple("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华志远春晓梅宁生惠筠兆珍国庆建林玉兰红文斌海燕")
_PROGRAM_HEADS = ("行动", "工程", "计划", "服务月", "杯", "助企行", "关爱行动", "提升工程")
_PROGRAM_WORDS = ("匠心", "暖心", "清凉", "助学", "圆梦", "春风", "技能强企", "书香", "健康", "安心",
                  "筑梦", "微心愿", "双15", "能工巧匠", "产改", "护航")
_FACILITY_HEADS = ("职工之家", "职工书屋", "劳模创新工作室", "工匠创新工作室", "工会驿站", "爱心妈咪小屋")
_AWARD_LEVELS = ("全国", "省级", "市级", "区级")
_AWARD_TITLES = ("模范职工小家", "模范职工之家", "职工书屋", "五一劳动奖状", "工人先锋号", "劳模创新工作室",
                 "先进工会组织", "工会工作先进单位", "职工疗休养合作单位", "和谐劳动关系示范企业")
_GROUPS = ("新业态从业劳动者", "困难职工", "女职工", "产业工人", "农民工", "快递员", "外卖骑手", "网约车司机",
           "环卫工人", "一线职工", "劳模", "技术工人", "退休职工", "青年职工", "建筑工人", "货车司机",
           "家政服务员", "乡村医生", "医护人员", "户外劳动者")
_TITLES = ("主席", "副主席", "常务副主席", "经费审查委员会主任", "书记", "经理", "主任", "负责人")
_SOURCES = ("江苏工人报", "南方工报", "湖南工人报", "江西工人报", "浙江工人日报", "工人日报")
_TRIGGERS = {
    "SUPPORTS": "为{o}送去帮扶", "RUNS": "开展“{o}”", "ESTABLISHES": "成立{o}", "LOCATED_AT": "位于{o}",
    "LEADS": "牵头{o}", "HOLDS_POSITION": "任{o}{title}", "PARTNERS_WITH": "联合{o}", "AWARDED": "荣获{o}",
    "PART_OF": "在{o}的领导下", "VISITS": "走访{o}", "IN_REGION": "{o}",
}
# Share of each predicate among the generated triples (roughly the corpus's mix).
_PREDICATE_WEIGHTS = {
    "SUPPORTS": 30, "RUNS": 12, "VISITS": 10, "IN_REGION": 9, "HOLDS_POSITION": 8, "ESTABLISHES": 7,
    "AWARDED": 6, "PARTNERS_WITH": 5, "LOCATED_AT": 5, "PART_OF": 4, "LEADS": 4,
}
# How often a type is picked where the domain or range allows several.
_TYPE_WEIGHTS = {"Union": 6, "Enterprise": 5, "Organization": 2, "Person": 3, "Program": 1, "Facility": 2,
                 "Award": 1, "Region": 1, "Group": 2}


class _Pool:
    """Nodes of one type, picked with a skewed (Zipf-like) distribution."""

    def __init__(self, etype: str, rnd: random.Random) -> None:
        self.type = etype
        self.rnd = rnd
        self.names: list[str] = []
        self.seen: set[str] = set()
        self.extra: dict[str, dict] = {}
        self._cum: list[float] = []

    def add(self, name: str, **extra: object) -> bool:
        if name in self.seen:
            return False
        self.seen.add(name)
        self.names.append(name)
        if extra:
            self.extra[name] = extra
        return True

    def freeze(self) -> None:
        self.rnd.shuffle(self.names)
        self._cum = list(itertools.accumulate(1.0 / (i + 1) ** 0.7 for i in range(len(self.names))))

    def pick(self) -> str:
        return self.rnd.choices(self.names, cum_weights=self._cum)[0]


def _fill(pool: _Pool, target: int, make: Callable[[], tuple[str, dict]], *, tries: int = 20) -> None:
    misses = 0
    while len(pool.names) < target and misses < target * tries:
        name, extra = make()
        if not pool.add(name, **extra):
            misses += 1


def synthetic_graph(n_rels: int, *, seed: int = 0) -> GraphData:
    """A corpus-shaped graph with exactly *n_rels* relationships (deterministic for a seed).

    >>> g = synthetic_graph(300, seed=1)
    >>> len(g.rels), len({n.type for n in g.nodes})
    (300, 9)
    >>> onto = load_ontology()
    >>> all(onto.allows(r.subject.type, r.predicate, r.object.type) for r in g.rels)
    True
    """
    if n_rels < 0:
        raise ValueError(f"n_rels must be >= 0, not {n_rels}")
    onto = load_ontology()
    rnd = random.Random(seed)
    k = max(1, n_rels // 100)
    syl = lambda n: "".join(rnd.choice(_SYL) for _ in range(n))  # noqa: E731

    pools = {t: _Pool(t, rnd) for t in onto.types}
    # Regions: provinces, fictional cities and districts, with their admin levels.
    cities: list[tuple[str, str]] = []
    for prov in _PROVINCES:
        pools["Region"].add(prov, province=prov, city=None, district=None)
    _fill(pools["Region"], len(_PROVINCES) + max(4, k // 2),
          lambda: ((c := syl(2) + rnd.choice(_CITY_HEADS)), {"province": rnd.choice(_PROVINCES), "city": c,
                                                            "district": None}))
    cities = [(n, pools["Region"].extra[n]["province"]) for n in pools["Region"].names if n.endswith("市")]
    districts: list[str] = []

    def make_district() -> tuple[str, dict]:
        city, prov = rnd.choice(cities)
        d = syl(2) + rnd.choice(_DISTRICT_HEADS)
        return city + d, {"province": prov, "city": city, "district": d}

    _fill(pools["Region"], len(pools["Region"].names) + max(8, 2 * k), make_district)
    regions = list(pools["Region"].names)
    districts = [n for n in regions if pools["Region"].extra[n]["district"]]

    _fill(pools["Enterprise"], 12 * k, lambda: (syl(2) + rnd.choice(_INDUSTRY) + rnd.choice(_COMPANY_FORMS), {}))
    enterprises = list(pools["Enterprise"].names)
    for r in regions:
        pools["Union"].add(r + "总工会")
    _fill(pools["Union"], 8 * k, lambda: rnd.choice((
        (rnd.choice(districts) + rnd.choice(_INDUSTRY) + "行业工会联合会", {}),
        (rnd.choice(enterprises) + "工会", {}),
        (rnd.choice(enterprises) + rnd.choice(("工会委员会", "工会小组")), {}),
    )))
    _fill(pools["Organization"], 3 * k, lambda: (rnd.choice(regions) + rnd.choice(_ORGANS), {}))
    _fill(pools["Person"], 8 * k, lambda: (rnd.choice(_SURNAMES) + "".join(
        rnd.choice(_GIVEN) for _ in range(rnd.choice((1, 2, 2)))), {}))
    _fill(pools["Program"], 2 * k, lambda: (rnd.choice((
        rnd.choice(_PROGRAM_WORDS) + rnd.choice(_PROGRAM_HEADS),
        syl(2) + rnd.choice(_PROGRAM_WORDS) + rnd.choice(_PROGRAM_HEADS),
        syl(2) + "能工巧匠杯",
    )), {}))
    _fill(pools["Facility"], 5 * k, lambda: (rnd.choice(enterprises + regions[:len(regions) // 2]) +
                                              rnd.choice(_FACILITY_HEADS), {}))
    _fill(pools["Award"], max(10, k // 2), lambda: (rnd.choice(("", "2024年度", "2025年度")) +
                                                   rnd.choice(_AWARD_LEVELS) + rnd.choice(_AWARD_TITLES), {}))
    for g in _GROUPS:
        pools["Group"].add(g)
    for p in pools.values():
        p.freeze()

    docs = [
        Document(doc_id=f"syn{i:07d}", text="", title=f"{pools['Union'].pick()}开展{pools['Program'].pick()}活动",
                 date=f"{2024 + i % 2}-{1 + i % 12:02d}-{1 + i % 28:02d}", source=rnd.choice(_SOURCES),
                 path=f"synthetic/{i:07d}.jsonl")
        for i in range(max(2, n_rels // 12))
    ]
    doc_cum = list(itertools.accumulate(1.0 / (i + 1) ** 0.3 for i in range(len(docs))))

    preds = [p for p in _PREDICATE_WEIGHTS if p in onto.predicates] + [
        p for p in onto.predicates if p not in _PREDICATE_WEIGHTS]
    pred_cum = list(itertools.accumulate(_PREDICATE_WEIGHTS.get(p, 3) for p in preds))
    type_cum = {
        (p, side): (types, list(itertools.accumulate(_TYPE_WEIGHTS.get(t, 1) for t in types)))
        for p in preds for side, types in (("s", onto.predicates[p].domain), ("o", onto.predicates[p].range))
    }

    # A body's facts come from its own articles: evidence for a subject mostly reuses
    # the documents that already reported it. This keeps mentions per relationship
    # near the dev corpus's (357 entity-document pairs for 307 triples).
    subject_docs: dict[tuple[str, str], list[Document]] = {}

    def pick_doc(subject: tuple[str, str]) -> Document:
        own = subject_docs.setdefault(subject, [])
        if own and rnd.random() < 0.8:
            return rnd.choice(own)
        doc = rnd.choices(docs, cum_weights=doc_cum)[0]
        own.append(doc)
        return doc

    rels: dict[tuple[str, str, str, str, str], RelRecord] = {}
    node_docs: dict[tuple[str, str], dict[str, None]] = {}
    evidence_offset = itertools.count()
    misses = 0
    while len(rels) < n_rels:
        pred = rnd.choices(preds, cum_weights=pred_cum)[0]
        st_types, st_cum = type_cum[(pred, "s")]
        ot_types, ot_cum = type_cum[(pred, "o")]
        st = rnd.choices(st_types, cum_weights=st_cum)[0]
        ot = rnd.choices(ot_types, cum_weights=ot_cum)[0]
        s, o = pools[st].pick(), pools[ot].pick()
        key = (st, s, pred, ot, o)
        if s == o or key in rels:
            misses += 1
            if misses > 50 * n_rels + 1000:  # pools too small for the request: a bug, not a loop
                raise RuntimeError(f"cannot generate {n_rels} distinct relationships")
            continue
        attrs: dict[str, str] = {}
        if pred == "HOLDS_POSITION":
            attrs["title"] = rnd.choice(_TITLES)
        elif pred in ("SUPPORTS", "VISITS") and rnd.random() < 0.4:
            attrs["program"] = pools["Program"].pick()
        if pred == "SUPPORTS" and rnd.random() < 0.15:
            attrs["amount"] = f"{rnd.randint(1, 200)}万元"
        if pred == "SUPPORTS" and rnd.random() < 0.15:
            attrs["count"] = f"{rnd.randint(10, 3000)}余人"
        if pred == "ESTABLISHES" and rnd.random() < 0.1:
            attrs["status"] = "planned"
        sentence = s + _TRIGGERS.get(pred, "与{o}").format(o=o, title=attrs.get("title", "")) + "。"
        evidence = []
        for _ in range(rnd.choices((1, 2, 3), weights=(70, 22, 8))[0]):
            doc = pick_doc((st, s))
            start = 20 + next(evidence_offset) % 5000
            evidence.append(EvidenceRecord(
                doc_id=doc.doc_id, sentence=sentence, start=start, end=start + len(sentence),
                extractor=f"pattern:{pred.lower()}", confidence=round(rnd.uniform(0.6, 0.95), 2),
            ))
        rels[key] = RelRecord(
            subject=EntityRef(type=st, name=s), predicate=pred, object=EntityRef(type=ot, name=o),
            confidence=max(e.confidence for e in evidence), attrs=attrs, evidence=tuple(evidence),
        )
        for ref in ((st, s), (ot, o)):
            bucket = node_docs.setdefault(ref, {})
            for e in evidence:
                bucket[e.doc_id] = None

    # Some entities are mentioned but take part in no triple, as in real extraction output.
    for etype, pool in pools.items():
        for name in pool.names:
            if (etype, name) not in node_docs and rnd.random() < 0.3:
                node_docs[(etype, name)] = {rnd.choice(docs).doc_id: None}

    nodes = []
    mentions = []
    for (etype, name), doc_ids in sorted(node_docs.items()):
        extra = pools[etype].extra.get(name, {})
        aliases: tuple[str, ...] = ()
        if etype == "Enterprise":
            short = name
            for form in _COMPANY_FORMS:
                short = short.removesuffix(form)
            aliases = (short,) if short != name else ()
        elif etype == "Region" and extra.get("district"):
            aliases = (extra["district"],)
        nodes.append(NodeRecord(type=etype, name=name, aliases=aliases, doc_ids=tuple(doc_ids),
                                province=extra.get("province"), city=extra.get("city"),
                                district=extra.get("district")))
        for d in doc_ids:
            mentions.append(MentionRecord(type=etype, name=name, doc_id=d, mentions=rnd.randint(1, 4)))
    return GraphData(documents=tuple(docs), nodes=tuple(nodes), mentions=tuple(mentions), rels=tuple(rels.values()))


# --------------------------------------------------------------------------- articles

#: sentence templates of the generated articles: the shapes the extractor reads in real news
_SENTENCES = (
    "{union}开展“{program}”活动，为{group}送去慰问金和慰问品。",
    "{union}主席{person}一行走访{company}，看望慰问{group}。",
    "{company}工会成立{facility}，{person}任负责人。",
    "{person}荣获{award}称号。",
    "{union}联合{org}举办职工技能竞赛，{count}名职工参赛。",
    "{facility}位于{company}，由{person}牵头。",
    "{union}投入{amount}万元，帮扶{group}{count}人。",
    "近日，{union}在{company}召开职工代表大会。",
    "{company}获评{award}。",
)


#: names per pool of the generated articles
_ARTICLE_POOL = 1500
#: distinct sentences the generated articles draw from
_ARTICLE_FACTS = 20_000


def synthetic_articles(n: int, *, seed: int = 0, start: int = 0) -> Iterator[Document]:
    """*n* generated news articles (ids ``art<number>`` from *start*), one at a time, deterministic for a seed.

    Each article is a title and three to six sentences over fictional bodies,
    companies, people, programs and awards (pools of a few thousand names),
    drawn from a pool of facts, popular ones more often, so that articles
    share entities and facts as news does. Article
    ``i`` is the same whatever *n* and *start*: a later call with
    ``start=n`` adds new articles to a corpus.

    >>> docs = list(synthetic_articles(3, seed=1))
    >>> [d.doc_id for d in docs]
    ['art0000000', 'art0000001', 'art0000002']
    """
    rnd = random.Random(seed)
    size = _ARTICLE_POOL
    syl = lambda k: "".join(rnd.choice(_SYL) for _ in range(k))  # noqa: E731
    cities = [syl(2) + rnd.choice(_CITY_HEADS) for _ in range(max(8, size // 20))]
    districts = [c + syl(2) + rnd.choice(_DISTRICT_HEADS) for c in cities for _ in range(3)]
    companies = [rnd.choice(districts[:len(districts) // 2] + [""]) + syl(2) + rnd.choice(_INDUSTRY)
                 + rnd.choice(_COMPANY_FORMS) for _ in range(size)]
    pools = {
        "union": [d + "总工会" for d in districts] + [c + "总工会" for c in cities],
        "company": companies,
        "org": [rnd.choice(districts) + rnd.choice(_ORGANS) for _ in range(size // 4 + 1)],
        "person": [rnd.choice(_SURNAMES) + "".join(rnd.choice(_GIVEN) for _ in range(rnd.choice((1, 2, 2))))
                   for _ in range(size)],
        "program": [syl(2) + rnd.choice(_PROGRAM_WORDS) + rnd.choice(_PROGRAM_HEADS) for _ in range(size // 4 + 1)],
        "facility": [rnd.choice(companies).split("有限")[0] + rnd.choice(_FACILITY_HEADS) for _ in range(size // 2)],
        "award": [rnd.choice(("", "2024年度", "2025年度")) + rnd.choice(_AWARD_LEVELS) + rnd.choice(_AWARD_TITLES)
                  for _ in range(40)],
        "group": list(_GROUPS),
    }
    # News repeats itself: articles state facts from one pool (the popular ones often), so the
    # graph stops growing long before the number of articles does, while evidence keeps growing.
    facts = [rnd.choice(_SENTENCES).format(**{k: rnd.choice(v) for k, v in pools.items()},
                                           count=rnd.randint(10, 900), amount=rnd.randint(1, 200))
             for _ in range(_ARTICLE_FACTS)]
    fact_cum = list(itertools.accumulate(1.0 / (i + 1) ** 0.5 for i in range(len(facts))))
    for i in range(start, start + n):
        r = random.Random(f"{seed}:{i}")
        pick = {k: r.choice(v) for k, v in pools.items()}
        sentences = r.choices(facts, cum_weights=fact_cum, k=r.randint(3, 6))
        title = f"{pick['union']}开展“{pick['program']}”活动"
        yield Document(doc_id=f"art{i:07d}", title=title, date=f"{2024 + i % 2}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                       source=r.choice(_SOURCES), text=title + "\n" + "".join(sentences))
