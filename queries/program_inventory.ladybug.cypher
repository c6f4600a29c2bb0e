// name: program_inventory
// description: ladybug variant of program_inventory.cypher, same parameters and columns.
// param: limit (int, optional, default 200, 1..1000000) Most rows to return (a page in the order above); raise it for a full export (or use `kg inventory`). Example: 20000
// Why a variant (same rows and order, faster on ladybug): the page of
// (program, organiser) pairs is chosen straight from RUNS (ladybug has no name
// index to walk, so the portable `WITH p ORDER BY p.name SKIP 0` only adds a
// sort of every program). Beneficiaries are collected before regions, over all
// SUPPORTS of the page's organisers, keeping b.name only where s.program is
// the row's program: the portable `WHERE s.program = p.name` becomes a
// hash join keyed on the program over every SUPPORTS. The RUNS relationship
// itself (its evidence lists) is matched again last, for the page only, so
// the evidence is not carried through the sort and the collects.
MATCH (o)-[:RUNS]->(p:Program)
WITH o, p ORDER BY p.name, o.name, o.type LIMIT $limit
OPTIONAL MATCH (o)-[s:SUPPORTS]->(b)
WITH p, o, collect(DISTINCT CASE WHEN s.program = p.name THEN b.name END) AS beneficiaries
OPTIONAL MATCH (o)-[:IN_REGION]->(g:Region)
WITH p, o, beneficiaries,
     collect(DISTINCT g.name) AS regions, collect(DISTINCT g.province) AS provinces,
     collect(DISTINCT g.city) AS cities, collect(DISTINCT g.district) AS districts
MATCH (o)-[r:RUNS]->(p)
RETURN p.name AS program, o.name AS organiser, o.type AS organiser_type,
       regions, provinces, cities, districts, beneficiaries,
       r.evidence_count AS evidence_count, r.ev_doc_ids AS doc_ids, r.ev_sentences AS evidence
ORDER BY program, organiser, organiser_type
