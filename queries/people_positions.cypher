// name: people_positions
// description: People and the positions they hold (HOLDS_POSITION) in unions, organisations and companies; ordered by person then body, at most $limit rows.
// param: limit (int, optional, default 200, 1..1000000) Most rows to return (a page in the order above); raise it for exports. Example: 5000
MATCH (p:Person)-[r:HOLDS_POSITION]->(b)
RETURN p.name AS person, r.title AS title, b.name AS body, b.type AS body_type,
       r.evidence_count AS evidence_count, r.ev_doc_ids AS doc_ids, r.ev_sentences AS evidence
ORDER BY person, body, body_type
LIMIT $limit
