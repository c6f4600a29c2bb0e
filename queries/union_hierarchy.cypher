// name: union_hierarchy
// description: The union hierarchy: each union and the body it is part of (PART_OF), with evidence; ordered by parent then child, at most $limit rows.
// param: limit (int, optional, default 200, 1..1000000) Most rows to return (a page in the order above); raise it for exports. Example: 5000
// Starts from the PART_OF relationships (a few thousand at 100k relationships)
// rather than from every union's relationships; `type` is the label again.
MATCH (c)-[r:PART_OF]->(p)
WHERE c.type = 'Union'
RETURN c.name AS child, p.name AS parent, p.type AS parent_type,
       r.evidence_count AS evidence_count, r.ev_doc_ids AS doc_ids, r.ev_sentences AS evidence
ORDER BY parent, parent_type, child
LIMIT $limit
