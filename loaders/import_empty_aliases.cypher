// After a bulk import (kg.store.neo4j_import): every entity node has `aliases`
// after `kg load`, an empty list when it has none; a CSV cell cannot hold an
// empty list (it reads back as no property), so the import leaves it out and this
// sets it on the entity nodes of every label in $labels at once (one scan, one plan),
// in transactions of 10k nodes (run it in an auto-commit transaction).
// A list of one empty string is set afterwards from fixups.jsonl.
// $labels: the entity labels whose nodes the import left without aliases
MATCH (n) WHERE n.aliases IS NULL AND any(label IN labels(n) WHERE label IN $labels)
CALL (n) { SET n.aliases = [] } IN TRANSACTIONS OF 10000 ROWS
