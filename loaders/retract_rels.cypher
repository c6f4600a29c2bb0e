// Delete relationships that curation rejected (GraphData.retracted_rels), so
// that a fact loaded before it was rejected does not stay in the database.
// {{subject_label}}, {{type}} and {{object_label}} are ontology names, checked by
// kg.store.loader_cypher.render before they are filled in.
// $rows: [[subject name, object name]]
UNWIND $rows AS row
MATCH (s:`{{subject_label}}` {name: row[0]})-[r:`{{type}}`]->(o:`{{object_label}}` {name: row[1]})
DELETE r
RETURN count(*) AS deleted
