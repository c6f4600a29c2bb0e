// name: helpers_of
// description: The bodies that support (SUPPORTS) one entity, with program, amount and evidence; ordered by helper, at most $limit rows.
// param: name (string) Canonical name of the supported entity, or one of its aliases. Example: 明远机械有限公司
// param: limit (int, optional, default 200, 1..1000000) Most rows to return (a page in the order above); raise it for exports. Example: 1000
// The name is looked up among the canonical names first (one index seek per
// entity label on Neo4j); aliases are searched only when no entity has that
// canonical name, so that an exact name never scans every node. The label
// list is the ontology's entity types (tests/test_queries.py checks it).
MATCH (b:`Union`|Enterprise|Organization|Person|Program|Facility|Award|Region|`Group`)
WHERE b.name = $name
MATCH (h)-[r:SUPPORTS]->(b)
RETURN b.name AS beneficiary, h.name AS helper, h.type AS helper_type,
       r.program AS program, r.amount AS amount, r.count AS count,
       r.evidence_count AS evidence_count, r.ev_doc_ids AS doc_ids, r.ev_sentences AS evidence
ORDER BY helper, helper_type, beneficiary
LIMIT $limit
UNION ALL
OPTIONAL MATCH (x:`Union`|Enterprise|Organization|Person|Program|Facility|Award|Region|`Group`)
WHERE x.name = $name
WITH count(x) AS exact
WHERE exact = 0
MATCH (b:`Union`|Enterprise|Organization|Person|Program|Facility|Award|Region|`Group`)
WHERE $name IN b.aliases
MATCH (h)-[r:SUPPORTS]->(b)
RETURN b.name AS beneficiary, h.name AS helper, h.type AS helper_type,
       r.program AS program, r.amount AS amount, r.count AS count,
       r.evidence_count AS evidence_count, r.ev_doc_ids AS doc_ids, r.ev_sentences AS evidence
ORDER BY helper, helper_type, beneficiary
LIMIT $limit
