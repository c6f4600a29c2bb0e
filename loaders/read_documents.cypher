// Every Document node (schemas/GRAPH.md), for reading the graph back (kg.store.neo4j_reader).
MATCH (d:Document)
RETURN d.id AS id, d.title AS title, d.date AS date, d.source AS source, d.path AS path
ORDER BY id
