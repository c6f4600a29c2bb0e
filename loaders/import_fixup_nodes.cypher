// After a bulk import (kg.store.neo4j_import): set the properties that a CSV cell
// cannot hold (an empty list, or a list of one empty string, read back as no
// property) on the entity nodes of one label, so that they hold what `kg load` writes.
// {{label}} is an ontology type, checked by kg.store.loader_cypher.render before it is filled in.
// $rows: [[name, {property: value}]]
UNWIND $rows AS row
MATCH (n:`{{label}}` {name: row[0]})
SET n += row[1]
RETURN count(*) AS rows
