// Upsert entity nodes of one label (schemas/GRAPH.md): aliases are merged with
// what is stored, doc_count counts the documents already linked plus this
// load's, region levels are kept once known, and so is the one document of an
// article-scoped node (`scope`) and its `unresolved` mark. Written only when they differ.
// {{label}} is an ontology type, checked by kg.store.loader_cypher.render before it is filled in.
// Returns each node's elementId and whether it created the node: the later
// steps find nodes by id, without a label (one statement per predicate instead of
// one per subject/predicate/object labels: Neo4j compiles each distinct statement,
// and that dominates small loads), and create the links of a new node without
// looking for existing ones.
// `provenance` becomes "curated" once curation renamed or merged the node, and stays.
// $rows: [{name, type, aliases: [str], doc_ids: [str], province, city, district, scope, unresolved, provenance,
//          curated: provenance is "curated"}]
// A node MERGE just created has only its key: `type` (always written) tells.
// replan=skip: a load changes the statistics a lot, and re-planning every statement
// mid-load costs more than it gains (the plans are index seeks either way).
CYPHER replan=skip
UNWIND $rows AS row
MERGE (n:`{{label}}` {name: row.name})
WITH n, row, n.type IS NULL AS created
WITH n, row, created,
     coalesce(n.aliases, []) AS old_aliases,
     [(n)-[:MENTIONED_IN]->(d:Document) | d.id] AS linked
WITH n, row, created,
     old_aliases + [a IN row.aliases WHERE NOT a IN old_aliases] AS aliases,
     linked + [x IN row.doc_ids WHERE NOT x IN linked] AS docs
WITH n, row, created, aliases,
     CASE WHEN coalesce(n.doc_count, 0) > size(docs) THEN n.doc_count ELSE size(docs) END AS doc_count,
     coalesce(n.province, row.province) AS province,
     coalesce(n.city, row.city) AS city,
     coalesce(n.district, row.district) AS district,
     coalesce(n.scope, row.scope) AS scope,
     coalesce(n.unresolved, false) OR row.unresolved AS unresolved,
     CASE WHEN n.provenance IS NULL OR row.curated THEN row.provenance ELSE n.provenance END AS provenance
WITH n, row, created, aliases, doc_count, province, city, district, scope, unresolved, provenance,
     created
     OR n.type IS NULL OR n.type <> row.type
     OR n.aliases IS NULL OR n.aliases <> aliases
     OR n.doc_count IS NULL OR n.doc_count <> doc_count
     OR coalesce(n.province, '') <> coalesce(province, '')
     OR coalesce(n.city, '') <> coalesce(city, '')
     OR coalesce(n.district, '') <> coalesce(district, '')
     OR coalesce(n.scope, '') <> coalesce(scope, '')
     OR n.unresolved IS NULL OR n.unresolved <> unresolved
     OR n.provenance IS NULL OR n.provenance <> provenance AS changed
FOREACH (_ IN CASE WHEN changed THEN [1] ELSE [] END |
  SET n.type = row.type, n.aliases = aliases, n.doc_count = doc_count,
      n.province = province, n.city = city, n.district = district,
      n.scope = scope, n.unresolved = unresolved, n.provenance = provenance)
RETURN count(*) AS rows,
       sum(CASE WHEN created THEN 1 ELSE 0 END) AS created,
       sum(CASE WHEN changed AND NOT created THEN 1 ELSE 0 END) AS updated,
       collect([row.name, elementId(n), created]) AS ids
