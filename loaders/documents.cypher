// Upsert Document nodes; properties are written only when they differ, so a
// re-load changes nothing (and the server's counters say so).
// $rows: [{id, title, date, source, path}]
// A node MERGE just created has only its key: `title` (always written) tells.
// Returns each document's elementId (the mentions step finds it by that) and
// whether it created the document (then its links cannot exist yet).
// replan=skip: a load changes the statistics a lot, and re-planning every statement
// mid-load costs more than it gains (the plans are index seeks either way).
CYPHER replan=skip
UNWIND $rows AS row
MERGE (d:Document {id: row.id})
WITH d, row, d.title IS NULL AS created
WITH d, row, created,
     created
     OR d.title IS NULL OR d.title <> row.title
     OR d.date IS NULL OR d.date <> row.date
     OR d.source IS NULL OR d.source <> row.source
     OR d.path IS NULL OR d.path <> row.path AS changed
FOREACH (_ IN CASE WHEN changed THEN [1] ELSE [] END |
  SET d.title = row.title, d.date = row.date, d.source = row.source, d.path = row.path)
RETURN count(*) AS rows,
       sum(CASE WHEN created THEN 1 ELSE 0 END) AS created,
       sum(CASE WHEN changed AND NOT created THEN 1 ELSE 0 END) AS updated,
       collect([row.id, elementId(d), created]) AS ids
