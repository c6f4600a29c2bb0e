// The naive loader that `kg bench load` compares against: one relationship per
// auto-commit transaction, MERGE of both ends, evidence written as given.
// Only for the benchmark; `kg load` uses relationships.cypher in batches.
// {{subject_label}}, {{object_label}} are ontology types and {{type}} an ontology
// predicate, checked by kg.store.loader_cypher.render before they are filled in.
MERGE (s:`{{subject_label}}` {name: $s}) ON CREATE SET s.type = $s_type
MERGE (o:`{{object_label}}` {name: $o}) ON CREATE SET o.type = $o_type
MERGE (s)-[r:`{{type}}`]->(o)
SET r.predicate = $predicate, r.confidence = $confidence,
    r.ev_keys = $ev_keys, r.ev_doc_ids = $ev_doc_ids, r.ev_sentences = $ev_sentences,
    r.ev_starts = $ev_starts, r.ev_ends = $ev_ends, r.ev_extractors = $ev_extractors,
    r.evidence_count = size($ev_keys),
    r.program = $attrs.program, r.amount = $attrs.amount, r.count = $attrs.count,
    r.title = $attrs.title, r.date = $attrs.date, r.status = $attrs.status
