// name: union_hierarchy
// description: The union hierarchy: each union and the body it is part of (PART_OF), with evidence.
MATCH (c:`Union`)-[r:PART_OF]->(p)
RETURN c.name AS child, p.name AS parent, p.type AS parent_type,
       r.evidence_count AS evidence_count, r.ev_doc_ids AS doc_ids, r.ev_sentences AS evidence
ORDER BY parent, child
