"""What the rules alone state about one invented text, for the rule-stage tests.

    from helpers_rules import rule_facts

``rule_facts(text)`` gives the (type, name) of its entities and the
(subject, predicate, object) names of its triples.
"""

from __future__ import annotations

from kg.extract.extractors import run_rules
from kg.models import Document


def rule_facts(text: str) -> tuple[set[tuple[str, str]], set[tuple[str, str, str]]]:
    ents, trips = run_rules(Document(doc_id="t", text=text))
    return {(e.type, e.name) for e in ents}, {(t.subject.name, t.predicate, t.object.name) for t in trips}
