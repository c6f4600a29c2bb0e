// Entity nodes of one label that the lookup (nodes_lookup.cypher) did not find:
// CREATE each with its properties and its MENTIONED_IN links in one go (a node
// created here has no links yet, so nothing is compared or merged). The node and
// its links commit together, so a re-load after a crash finds the node whole and
// merges (nodes.cypher, mentions.cypher).
// {{label}} is an ontology type, checked by kg.store.loader_cypher.render before it is filled in.
// $rows: [[props, links]] (lists, not maps: the server decodes no keys per row), where
//   props: {name, type, aliases, doc_count, unresolved, provenance[, province, city, district, scope]} (no nulls: a
//          null is no property) and links: [[document elementId, document id, mentions]]
//          for the documents already in the database (loaded or found by this load).
// Returns each new node's elementId for the later steps, and the links created.
CYPHER replan=skip
UNWIND $rows AS row
CREATE (n:`{{label}}`)
SET n = row[0]
WITH n, row
CALL (n, row) {
  UNWIND row[1] AS link
  MATCH (d) WHERE elementId(d) = link[0] AND d.id = link[1]
  CREATE (n)-[:MENTIONED_IN {mentions: link[2]}]->(d)
  RETURN count(*) AS links
}
RETURN count(*) AS rows, sum(links) AS links, collect([row[0].name, elementId(n)]) AS ids
