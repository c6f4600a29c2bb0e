// Every fact with its evidence lists and attrs (kg.store.neo4j_reader); MENTIONED_IN has no `predicate`.
MATCH (s)-[r]->(o)
WHERE r.predicate IS NOT NULL
RETURN s.type AS subject_type, s.name AS subject, r.predicate AS predicate, o.type AS object_type, o.name AS object,
       r.confidence AS confidence, r.first_date AS first_date, r.last_date AS last_date, r.provenance AS provenance,
       r.ev_doc_ids AS ev_doc_ids, r.ev_sentences AS ev_sentences, r.ev_starts AS ev_starts, r.ev_ends AS ev_ends,
       r.ev_extractors AS ev_extractors,
       r.program AS program, r.amount AS amount, r.count AS count, r.title AS title, r.date AS date, r.status AS status
ORDER BY subject_type, subject, predicate, object_type, object
