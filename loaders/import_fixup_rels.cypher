// After a bulk import (kg.store.neo4j_import): set the properties that a CSV cell
// cannot hold (an empty list, or a list of one empty string) on relationships.
// {{subject_label}}, {{type}} and {{object_label}} are ontology names, checked by
// kg.store.loader_cypher.render before they are filled in.
// $rows: [[subject name, object name, {property: value}]]
UNWIND $rows AS row
MATCH (s:`{{subject_label}}` {name: row[0]})-[r:`{{type}}`]->(o:`{{object_label}}` {name: row[1]})
SET r += row[2]
RETURN count(*) AS rows
