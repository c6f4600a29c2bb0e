// name: program_inventory
// description: Program inventory by region: one row per program and organiser, with the organiser's regions (names, provinces, cities, districts), its beneficiaries under that program, the dates of the first and last article and the evidence; optionally only what was reported in a period (since/until). Ordered by program then organiser, at most $limit rows.
// param: limit (int, optional, default 200, 1..1000000) Most rows to return (a page in the order above); raise it for a full export (or use `kg inventory`). Example: 20000
// param: since (date, optional) Only facts reported on or after this date (YYYY, YYYY-MM or YYYY-MM-DD); empty means no bound. Example: 2025-01-01
// param: until (date, optional, end) Only facts reported on or before this date (YYYY, YYYY-MM or YYYY-MM-DD; a year or month means its last day); empty means no bound. Example: 2025-06-30
// A period (since/until) keeps the facts whose evidence articles, from the
// first (r.first_date) to the last (r.last_date), reach into it; undated facts
// are left out of a bounded period. `until` is compared on its own length, so a
// year or month typed as is (in Neo4j Browser) also means its last day.
// Regions come from the organiser's IN_REGION links; an organiser without one
// has empty region lists. Beneficiaries are what the organiser SUPPORTS with
// attr program = this program. The page is chosen first, then regions and
// beneficiaries are collected for its rows only. Programs are taken in name
// order first (from the name index on Neo4j, so choosing the page stops early
// instead of sorting every RUNS; `SKIP 0`: the embedded engine wants ORDER BY in
// WITH followed by SKIP or LIMIT).
MATCH (p:Program)
WHERE p.name IS NOT NULL
WITH p ORDER BY p.name SKIP 0
MATCH (o)-[r:RUNS]->(p)
WHERE (coalesce($since, '') = '' OR r.last_date >= $since) AND (coalesce($until, '') = '' OR left(r.first_date, size($until)) <= $until)
WITH o, p ORDER BY p.name, o.name, o.type LIMIT $limit
MATCH (o)-[r:RUNS]->(p)
OPTIONAL MATCH (o)-[:IN_REGION]->(g:Region)
WITH p, o, r,
     collect(DISTINCT g.name) AS regions, collect(DISTINCT g.province) AS provinces,
     collect(DISTINCT g.city) AS cities, collect(DISTINCT g.district) AS districts
OPTIONAL MATCH (o)-[s:SUPPORTS]->(b)
WHERE s.program = p.name AND (coalesce($since, '') = '' OR s.last_date >= $since) AND (coalesce($until, '') = '' OR left(s.first_date, size($until)) <= $until)
WITH p, o, r, regions, provinces, cities, districts, collect(DISTINCT b.name) AS beneficiaries
RETURN p.name AS program, o.name AS organiser, o.type AS organiser_type,
       regions, provinces, cities, districts, beneficiaries,
       r.first_date AS first_date, r.last_date AS last_date,
       r.evidence_count AS evidence_count, r.ev_doc_ids AS doc_ids, r.ev_sentences AS evidence
ORDER BY program, organiser, organiser_type
