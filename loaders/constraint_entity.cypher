// Uniqueness of an entity label on its canonical key `name` (schemas/GRAPH.md).
// {{label}} is an ontology type, checked by kg.store.loader_cypher.render before it is filled in;
// the constraint is named after it so that re-runs find it.
CREATE CONSTRAINT `kg_{{label}}_name` IF NOT EXISTS
FOR (n:`{{label}}`) REQUIRE n.name IS UNIQUE
