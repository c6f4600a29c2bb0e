// name: people_positions
// description: People and the positions they hold (HOLDS_POSITION) in unions, organisations and companies; ordered by person then body, at most $limit rows.
// param: limit (int, optional, default 200, 1..1000000) Most rows to return (a page in the order above); raise it for exports. Example: 5000
// People are taken in name order first (Neo4j reads them from the name index in
// that order, so the sort stops after the page instead of sorting every
// HOLDS_POSITION; `SKIP 0` because the embedded engine wants ORDER BY in WITH
// to be followed by SKIP or LIMIT). Same rows and order as sorting at the end.
MATCH (p:Person)
WHERE p.name IS NOT NULL
WITH p ORDER BY p.name SKIP 0
MATCH (p)-[r:HOLDS_POSITION]->(b)
RETURN p.name AS person, r.title AS title, b.name AS body, b.type AS body_type,
       r.evidence_count AS evidence_count, r.ev_doc_ids AS doc_ids, r.ev_sentences AS evidence
ORDER BY person, body, body_type
LIMIT $limit
