// Which of these document ids already have a Document node, and its elementId.
// The documents step CREATEs the others (documents_new.cypher) and merges these
// (documents.cypher).
// $rows: [document id]
CYPHER replan=skip
UNWIND $rows AS row
MATCH (d:Document {id: row})
RETURN collect([row, elementId(d)]) AS ids
