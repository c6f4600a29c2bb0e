// MENTIONED_IN links that cannot exist yet: the entity or the document was created
// by this load. CREATE them with no per-row comparison (mentions.cypher merges the rest).
// Entity and document come by the elementIds the nodes and documents steps
// returned; their keys are checked too.
// $rows: [[nid, name, did, doc_id, mentions]] (lists, not maps: the server decodes no keys)
CYPHER replan=skip
UNWIND $rows AS row
MATCH (n) WHERE elementId(n) = row[0] AND n.name = row[1]
MATCH (d) WHERE elementId(d) = row[2] AND d.id = row[3]
CREATE (n)-[:MENTIONED_IN {mentions: row[4]}]->(d)
RETURN count(*) AS rows
