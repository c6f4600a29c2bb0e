// name: beneficiaries_of
// description: Everything one body supports (SUPPORTS): companies, people, groups, facilities, with program and evidence; ordered by beneficiary, at most $limit rows.
// param: name (string) Canonical name of the helping body, or one of its aliases. Example: 岳阳市云溪区总工会
// param: limit (int, optional, default 200, 1..1000000) Most rows to return (a page in the order above); raise it for exports. Example: 1000
// The name is looked up among the canonical names first (one index seek per
// entity label on Neo4j); aliases are searched only when no entity has that
// canonical name, so that an exact name never scans every node. The label
// list is the ontology's entity types (tests/test_queries.py checks it).
MATCH (h:`Union`|Enterprise|Organization|Person|Program|Facility|Award|Region|`Group`)
WHERE h.name = $name
MATCH (h)-[r:SUPPORTS]->(b)
RETURN h.name AS helper, b.name AS beneficiary, b.type AS beneficiary_type,
       r.program AS program, r.amount AS amount, r.count AS count,
       r.evidence_count AS evidence_count, r.ev_doc_ids AS doc_ids, r.ev_sentences AS evidence
ORDER BY beneficiary, beneficiary_type, helper
LIMIT $limit
UNION ALL
OPTIONAL MATCH (x:`Union`|Enterprise|Organization|Person|Program|Facility|Award|Region|`Group`)
WHERE x.name = $name
WITH count(x) AS exact
WHERE exact = 0
MATCH (h:`Union`|Enterprise|Organization|Person|Program|Facility|Award|Region|`Group`)
WHERE $name IN h.aliases
MATCH (h)-[r:SUPPORTS]->(b)
RETURN h.name AS helper, b.name AS beneficiary, b.type AS beneficiary_type,
       r.program AS program, r.amount AS amount, r.count AS count,
       r.evidence_count AS evidence_count, r.ev_doc_ids AS doc_ids, r.ev_sentences AS evidence
ORDER BY beneficiary, beneficiary_type, helper
LIMIT $limit
