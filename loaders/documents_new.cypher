// Document nodes that the lookup (documents_lookup.cypher) did not find: CREATE
// them whole, with no per-row comparison.
// $rows: [{id, title[, date, source, path]}] (no nulls: a null is no property)
// Returns each new document's elementId (the nodes and mentions steps link to it).
CYPHER replan=skip
UNWIND $rows AS row
CREATE (d:Document)
SET d = row
RETURN count(*) AS rows, collect([row.id, elementId(d)]) AS ids
