// Which of these names already have an entity node of one label, and its elementId.
// The nodes step CREATEs the others (nodes_new.cypher) and merges these (nodes.cypher).
// {{label}} is an ontology type, checked by kg.store.loader_cypher.render before it is filled in.
// $rows: [name]
CYPHER replan=skip
UNWIND $rows AS row
MATCH (n:`{{label}}` {name: row})
RETURN collect([row, elementId(n)]) AS ids
