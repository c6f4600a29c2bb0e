// name: people_positions
// description: People and the positions they hold (HOLDS_POSITION) in unions, organisations and companies.
MATCH (p:Person)-[r:HOLDS_POSITION]->(b)
RETURN p.name AS person, r.title AS title, b.name AS body, b.type AS body_type,
       r.evidence_count AS evidence_count, r.ev_doc_ids AS doc_ids, r.ev_sentences AS evidence
ORDER BY person, body
