// Only for `kg bench load`: the server's ceiling on this machine. CREATE bare
// relationships (no properties) between nodes found by elementId, in the same
// batches as the loader: what relationships_new.cypher costs without its evidence,
// attrs and name checks. Run on a scratch database that the benchmark then wipes.
// {{type}} is an ontology predicate, checked by kg.store.loader_cypher.render before it is filled in.
// $rows: [[subject elementId, object elementId]]
CYPHER replan=skip
UNWIND $rows AS row
MATCH (s) WHERE elementId(s) = row[0]
MATCH (o) WHERE elementId(o) = row[1]
CREATE (s)-[:`{{type}}`]->(o)
RETURN count(*) AS rows
