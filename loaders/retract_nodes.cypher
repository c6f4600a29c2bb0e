// Delete entity nodes (with their relationships and links) that curation
// removed: rejected entities, and names merged into or renamed to another node
// (kg.extract.curation, GraphData.retracted_nodes). Runs before the nodes step,
// so the load then writes the curated graph in their place.
// {{label}} is an ontology type, checked by kg.store.loader_cypher.render before it is filled in.
// $rows: [name]
UNWIND $rows AS row
MATCH (n:`{{label}}` {name: row})
DETACH DELETE n
RETURN count(*) AS deleted
