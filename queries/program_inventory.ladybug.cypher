// name: program_inventory
// description: ladybug variant of program_inventory.cypher, same parameters and columns.
// param: limit (int, optional, default 200, 1..1000000) Most rows to return (a page in the order above); raise it for a full export (or use `kg inventory`). Example: 20000
// param: since (date, optional) Only facts reported on or after this date (YYYY, YYYY-MM or YYYY-MM-DD); empty means no bound. Example: 2025-01-01
// param: until (date, optional, end) Only facts reported on or before this date (YYYY, YYYY-MM or YYYY-MM-DD; a year or month means its last day); empty means no bound. Example: 2025-06-30
// A period (since/until) keeps the facts whose evidence articles, from the
// first (r.first_date) to the last (r.last_date), reach into it; undated facts
// are left out of a bounded period. `until` is compared on its own length, so a
// year or month typed as is (in Neo4j Browser) also means its last day.
// Why a variant (same rows and order, faster on ladybug): the page of
// (program, organiser) pairs is chosen straight from RUNS (ladybug has no name
// index to walk, so the portable `WITH p ORDER BY p.name SKIP 0` only adds a
// sort of every program). Beneficiaries are collected before regions, over all
// SUPPORTS of the page's organisers, keeping b.name only where s.program is
// the row's program: the portable `WHERE s.program = p.name` becomes a
// hash join keyed on the program over every SUPPORTS. The RUNS relationship
// itself (its evidence lists) is matched again last, for the page only, so
// the evidence is not carried through the sort and the collects.
MATCH (o)-[r0:RUNS]->(p:Program)
WHERE (coalesce($since, '') = '' OR r0.last_date >= $since) AND (coalesce($until, '') = '' OR left(r0.first_date, size($until)) <= $until)
WITH o, p ORDER BY p.name, o.name, o.type LIMIT $limit
OPTIONAL MATCH (o)-[s:SUPPORTS]->(b)
WITH p, o, collect(DISTINCT CASE WHEN s.program = p.name
                              AND (coalesce($since, '') = '' OR s.last_date >= $since) AND (coalesce($until, '') = '' OR left(s.first_date, size($until)) <= $until)
                         THEN b.name END) AS beneficiaries
OPTIONAL MATCH (o)-[:IN_REGION]->(g:Region)
WITH p, o, beneficiaries,
     collect(DISTINCT g.name) AS regions, collect(DISTINCT g.province) AS provinces,
     collect(DISTINCT g.city) AS cities, collect(DISTINCT g.district) AS districts
MATCH (o)-[r:RUNS]->(p)
RETURN p.name AS program, o.name AS organiser, o.type AS organiser_type,
       regions, provinces, cities, districts, beneficiaries,
       r.first_date AS first_date, r.last_date AS last_date,
       r.evidence_count AS evidence_count, r.ev_doc_ids AS doc_ids, r.ev_sentences AS evidence
ORDER BY program, organiser, organiser_type
