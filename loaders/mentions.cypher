// Link entities of one label to the documents that mention them:
// (entity)-[:MENTIONED_IN {mentions}]->(:Document). Rows whose document is not
// loaded match nothing; the loader reports them as skipped.
// The entity comes by the elementId the nodes step returned; its name is checked too.
// $rows: [{nid, name, doc_id, mentions}]
// replan=skip: a load changes the statistics a lot, and re-planning every statement
// mid-load costs more than it gains (the plans are index seeks either way).
CYPHER replan=skip
UNWIND $rows AS row
MATCH (n) WHERE elementId(n) = row.nid AND n.name = row.name
MATCH (d:Document {id: row.doc_id})
MERGE (n)-[m:MENTIONED_IN]->(d)
// a link MERGE just created has no properties: `mentions` (always written) tells
WITH m, row, m.mentions IS NULL AS created
WITH m, row, created, created OR m.mentions <> row.mentions AS changed
FOREACH (_ IN CASE WHEN changed THEN [1] ELSE [] END | SET m.mentions = row.mentions)
RETURN count(*) AS rows,
       sum(CASE WHEN created THEN 1 ELSE 0 END) AS created,
       sum(CASE WHEN changed AND NOT created THEN 1 ELSE 0 END) AS updated
