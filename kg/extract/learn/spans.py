"""Mention spans proposed by a character CRF trained on gold (python-crfsuite).

Each character of a sentence gets a label ``B-Type``, ``I-Type`` or ``O``.
Its features are generic: the character and its neighbours, whether a
lexicon head word, a division name, a beneficiary class or a title covers
it, quotation marks and surname characters. No word segmentation: jieba's
word boundaries, wider windows and shifted head/region columns gave 0.004
entity and 0.008 triple F1 in cross-validation and cost 2.7x the time of
segmenting the text (measured on the dev set); the tagger now runs at about
the speed of jieba itself. Character pairs
(bigrams) are features only when they occur in at least
:data:`MIN_BIGRAM_DOCS` training documents and are not a gold person name, so
the model learns the language of the articles, not their names.

Training targets come from projecting gold names and aliases onto the
cleaned text (:func:`project_gold`), longest first, without overlaps.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from kg.extract.lexicon import lexicon
from kg.extract.mentions.base import Cand
from kg.extract.regions import division_automaton
from kg.extract.segment import Sentence
from kg.models import GoldEntity

__all__ = ["MIN_BIGRAM_DOCS", "SpanTagger", "char_features", "project_gold", "pieces", "train_tagger"]

#: a character pair is a feature only when this many training documents contain it
MIN_BIGRAM_DOCS = 3
#: sentences longer than this are tagged in pieces (a CRF's cost grows with its input; names are short)
MAX_PIECE = 400
_BIGRAM_KEYS = ("b=", "B=")
_OPEN_QUOTES = "“「『《\""
_CLOSE_QUOTES = "”」』》"


@lru_cache(maxsize=1)
def _automata():
    import ahocorasick  # lazy: only the learned extractor needs it here

    lex = lexicon()
    heads = ahocorasick.Automaton()
    for head, etype in lex.heads:
        heads.add_word(head, (len(head), etype))
    heads.make_automaton()
    groups = ahocorasick.Automaton()
    for g in lex.groups:
        groups.add_word(g, len(g))
    groups.make_automaton()
    titles = ahocorasick.Automaton()
    for t in set(lex.titles) | set(lex.raw["lists"]["descriptors"]) | set(lex.staff):
        titles.add_word(t, len(t))
    titles.make_automaton()
    return heads, groups, titles


def char_features(text: str) -> list[tuple[str, ...]]:
    """The feature strings of every character of *text* (one sentence or piece).

    >>> f = char_features("甲工会")
    >>> f[2][:3], "he=Union" in f[2]
    (('c=会', 'l=工', 'r=$'), True)
    """
    n = len(text)
    heads, groups, titles = _automata()
    # most characters carry the default of a column: those strings are shared, only the others are built
    head_end = ["he=-"] * n
    head_in = ["hi=-"] * n
    for end, (size, etype) in heads.iter(text):
        head_end[end] = "he=" + etype
        head_in[end - size + 1 : end + 1] = ["hi=" + etype] * size
    region = ["rg=-"] * n
    for end, name in division_automaton().iter(text):
        region[end - len(name) + 1 : end + 1] = ["rg=R"] * len(name)
    group = ["gp=-"] * n
    for end, size in groups.iter(text):
        group[end - size + 1 : end + 1] = ["gp=G"] * size
    title_end = ["tl=-"] * (n + 1)  # shifted by one: a title ending just before the character
    for end, _size in titles.iter(text):
        title_end[end + 1] = "tl=T"
    quoted: list[str] = []
    inside = "q=0"
    for ch in text:
        if ch in _OPEN_QUOTES:
            inside = "q=1" if (ch != '"' or inside == "q=0") else "q=0"
        elif ch in _CLOSE_QUOTES:
            inside = "q=0"
        quoted.append(inside)
    surnames = lexicon().surnames
    pad = "^" + text + "$"
    pad2 = "^^" + text + "$$"
    return list(zip(
        ["c=" + ch for ch in text],
        ["l=" + ch for ch in pad[:n]],
        ["r=" + ch for ch in pad[2:]],
        ["b=" + pad[i : i + 2] for i in range(n)],
        ["B=" + pad[i + 1 : i + 3] for i in range(n)],
        head_end,
        head_in,
        region,
        group,
        title_end[:n],
        quoted,
        ["s=1" if ch in surnames else "s=0" for ch in text],
        strict=True,
    ))


def pieces(text: str, sentences: Iterable[Sentence]) -> Iterable[tuple[int, str]]:
    """(offset, text) of every sentence, long ones cut into :data:`MAX_PIECE` pieces at a comma if one is near."""
    for s in sentences:
        start = s.start
        while start < s.end:
            end = min(s.end, start + MAX_PIECE)
            if end < s.end:
                cut = max(text.rfind(p, start + MAX_PIECE // 2, end) for p in "，,、；;")
                if cut > start:
                    end = cut + 1
            yield start, text[start:end]
            start = end


def project_gold(text: str, entities: Iterable[GoldEntity]) -> list[str]:
    """BIO labels of *text*: every gold name or alias found in it, longest first, never overlapping.

    >>> project_gold("甲乙公司的丙", [GoldEntity(type="Enterprise", name="甲乙公司")])
    ['B-Enterprise', 'I-Enterprise', 'I-Enterprise', 'I-Enterprise', 'O', 'O']
    """
    labels = ["O"] * len(text)
    forms = sorted(
        {(len(f), f, e.type) for e in entities for f in (e.name, *e.aliases) if len(f.strip()) >= 2},
        key=lambda x: (-x[0], x[1], x[2]),
    )
    taken = [False] * len(text)
    for size, form, etype in forms:
        i = text.find(form)
        while i >= 0:
            if not any(taken[i : i + size]):
                for j in range(i, i + size):
                    taken[j] = True
                    labels[j] = ("B-" if j == i else "I-") + etype
            i = text.find(form, i + 1)
    return labels


def decode(labels: Sequence[str]) -> list[tuple[str, int, int]]:
    """(type, start, end) of the spans a label sequence marks.

    >>> decode(["O", "B-Person", "I-Person", "B-Union"])
    [('Person', 1, 3), ('Union', 3, 4)]
    """
    out = []
    i = 0
    while i < len(labels):
        if labels[i].startswith("B-"):
            etype = labels[i][2:]
            j = i + 1
            while j < len(labels) and labels[j] == "I-" + etype:
                j += 1
            out.append((etype, i, j))
            i = j
        else:
            i += 1
    return out


class SpanTagger:
    """A trained CRF as a span source for :func:`kg.extract.analysis.analyse`."""

    def __init__(self, model_path: Path) -> None:
        import pycrfsuite  # lazy: only the learned extractor needs it

        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_path))

    def __call__(self, text: str, sentences: list[Sentence]) -> list[Cand]:
        out: list[Cand] = []
        for offset, piece in pieces(text, sentences):
            labels = self._tagger.tag(char_features(piece))
            sent_start = _sentence_start(sentences, offset)
            for etype, a, b in decode(labels):
                surface = piece[a:b].strip("，,、；;：:。 ")
                if len(surface) < 2:
                    continue
                a += piece[a:b].find(surface)
                out.append(Cand(etype, offset + a, offset + a + len(surface), surface, "crf", sentence=sent_start))
        return out


def _sentence_start(sentences: list[Sentence], pos: int) -> int:
    lo, hi = 0, len(sentences)
    while lo < hi:
        mid = (lo + hi) // 2
        if sentences[mid].start <= pos:
            lo = mid + 1
        else:
            hi = mid
    return sentences[max(lo - 1, 0)].start


def train_tagger(
    examples: Sequence[tuple[str, list[Sentence], list[str]]],
    path: Path,
    *,
    person_names: Iterable[str] = (),
    iterations: int = 100,
) -> None:
    """Train the CRF on (cleaned text, sentences, labels) examples, one per document, and write it to *path*."""
    import pycrfsuite  # lazy: only training needs it

    rows: list[tuple[list[list[str]], list[str]]] = []
    doc_freq: dict[str, int] = {}
    for text, sentences, labels in examples:
        seen: set[str] = set()
        for offset, piece in pieces(text, sentences):
            feats = char_features(piece)
            rows.append((feats, labels[offset : offset + len(piece)]))
            seen.update(f for row in feats for f in row if f.startswith(_BIGRAM_KEYS))
        for f in seen:
            doc_freq[f] = doc_freq.get(f, 0) + 1
    names = {n for n in person_names if len(n) == 2}
    banned = {f for f, k in doc_freq.items() if k < MIN_BIGRAM_DOCS or f[2:] in names}
    trainer = pycrfsuite.Trainer(verbose=False)
    for feats, labels in rows:
        trainer.append([[f for f in row if f not in banned] for row in feats], labels)
    trainer.set_params({"c1": 0.1, "c2": 0.05, "max_iterations": iterations, "feature.possible_transitions": True})
    trainer.train(str(path))
