// Indexes the saved queries (queries/*.cypher) use on Neo4j, beyond the per-label
// uniqueness constraints on `name` (constraint_entity.cypher), which already
// serve the name lookups `(n:`Union`|Enterprise|...) WHERE n.name = $name`.
// Region filters (who_helped_whom, awards_by_region) start from Region nodes
// matched by name, province, city or district; without these three indexes
// Neo4j scans every Region node (cheap today, ~2k nodes, but it grows).
// Run once after the constraints, e.g. by kg.store.neo4j_loader next to them.
CREATE INDEX kg_Region_province IF NOT EXISTS FOR (n:Region) ON (n.province);
CREATE INDEX kg_Region_city IF NOT EXISTS FOR (n:Region) ON (n.city);
CREATE INDEX kg_Region_district IF NOT EXISTS FOR (n:Region) ON (n.district);
