// After a bulk import (kg.store.neo4j_import): every entity node has `aliases`
// after `kg load`, an empty list when it has none; a CSV cell cannot hold an
// empty list (it reads back as no property), so the import leaves it out and this
// sets it, in transactions of 10k nodes (run it in an auto-commit transaction).
// A list of one empty string is set afterwards from fixups.jsonl.
// {{label}} is an ontology type, checked by kg.store.loader_cypher.render before it is filled in.
MATCH (n:`{{label}}`) WHERE n.aliases IS NULL
CALL (n) { SET n.aliases = [] } IN TRANSACTIONS OF 10000 ROWS
