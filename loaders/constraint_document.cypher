// Uniqueness of Document nodes on their key `id` (schemas/GRAPH.md).
CREATE CONSTRAINT `kg_Document_id` IF NOT EXISTS
FOR (d:Document) REQUIRE d.id IS UNIQUE
