// Every entity node with its properties and the documents that mention it (kg.store.neo4j_reader).
// Entity nodes carry `type` (schemas/GRAPH.md); Document nodes do not.
MATCH (n)
WHERE n.type IS NOT NULL
RETURN n.type AS type, n.name AS name, n.aliases AS aliases,
       [(n)-[:MENTIONED_IN]->(d:Document) | d.id] AS doc_ids,
       n.province AS province, n.city AS city, n.district AS district,
       n.scope AS scope, n.unresolved AS unresolved, n.provenance AS provenance
ORDER BY type, name
