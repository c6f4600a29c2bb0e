"""The extractor's general lexicon (``schemas/lexicon.toml``) and jieba, owned here.

jieba is imported lazily, with its own ``Tokenizer`` instance, its DEBUG
logging silenced, and the part-of-speech tags of its dictionary loaded once
(used as a cheap POS lookup instead of the 5× slower ``jieba.posseg``).
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache

from kg.resources import data_dir


@dataclass(frozen=True)
class Lexicon:
    raw: dict

    @cached_property
    def heads(self) -> list[tuple[str, str]]:
        """(head, type) pairs, longest head first."""
        pairs = [(h, t) for t, hs in self.raw["heads"].items() for h in hs]
        return sorted(pairs, key=lambda p: -len(p[0]))

    @cached_property
    def facility_heads(self) -> tuple[str, ...]:
        """The heads of the Facility type, longest first."""
        return tuple(h for h, t in self.heads if t == "Facility")

    @cached_property
    def head_type(self) -> dict[str, str]:
        return {h: t for h, t in reversed(self.heads)}

    @cached_property
    def head_re(self) -> re.Pattern[str]:
        return re.compile("|".join(re.escape(h) for h, _ in self.heads))

    @cached_property
    def generic_prefixes(self) -> frozenset[str]:
        return frozenset(self.raw["generic_prefixes"])

    @cached_property
    def boundary_words(self) -> frozenset[str]:
        return frozenset(self.raw["boundary_words"])

    @cached_property
    def function_chars(self) -> frozenset[str]:
        return frozenset(self.raw["function_chars"])

    @cached_property
    def context_unions(self) -> tuple[str, ...]:
        return tuple(sorted(self.raw["context_unions"], key=len, reverse=True))

    @cached_property
    def known_bodies(self) -> dict[str, dict]:
        return self.raw["known_bodies"]

    @cached_property
    def groups(self) -> tuple[str, ...]:
        return tuple(sorted(self.raw["lists"]["groups"], key=len, reverse=True))

    @cached_property
    def titles(self) -> tuple[str, ...]:
        # longest first; equal lengths in text order, not in the set's order, which changes with
        # the process's hash seed (a Dask or pool worker would choose another title than this process)
        return tuple(sorted(set(self.raw["lists"]["titles"]), key=lambda t: (-len(t), t)))

    @cached_property
    def staff(self) -> frozenset[str]:
        return frozenset(self.raw["lists"]["staff"])

    @cached_property
    def surnames(self) -> frozenset[str]:
        return frozenset(self.raw["lists"]["surnames"]) | frozenset(self.raw["lists"]["compound_surnames"])


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    path = data_dir("schemas") / "lexicon.toml"
    return Lexicon(raw=tomllib.loads(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def tokenizer():
    """A private jieba tokenizer, initialised once, with the lexicon's heads as words."""
    import jieba  # lazy: slow to import; only extraction needs it

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    lex = lexicon()
    for head, _ in lex.heads:
        if len(head) >= 2:
            tok.add_word(head, freq=2000)
    for word in (*lex.groups, *lex.titles, *lex.context_unions):
        tok.add_word(word, freq=2000)
    return tok


@lru_cache(maxsize=1)
def pos_tags() -> dict[str, str]:
    """word → part-of-speech tag from jieba's own dictionary."""
    import jieba  # lazy: slow to import; only extraction needs it

    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    tags: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    return tags


def word_freq(word: str) -> int:
    """Frequency of *word* in jieba's dictionary (0 when unknown)."""
    return tokenizer().FREQ.get(word, 0)
