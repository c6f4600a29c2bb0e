// Delete every node and relationship, in batches. For tests and `kg bench load`
// on a scratch server only; `kg load` never runs it.
MATCH (n)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS
