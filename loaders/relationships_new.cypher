// Relationships that cannot exist yet: one end node was created by this load,
// so there is nothing to merge with. CREATE them whole, with no per-row comparison
// (relationships.cypher merges the rest). Same properties as relationships.cypher
// writes on a first load (schemas/GRAPH.md): confidence is the best over the
// evidence, computed by the loader, as is every evidence list.
// {{type}} is an ontology predicate, checked by kg.store.loader_cypher.render before it is filled in.
// Both ends come by the elementIds the nodes step returned; their names are checked too.
// $rows: [[sid, s, oid, o, predicate, confidence, ev_keys, ev_doc_ids, ev_sentences,
//          ev_starts, ev_ends, ev_extractors, program, amount, count, title, date, status,
//          first_date, last_date, provenance]]
// (lists, not maps: the server decodes no keys, and that is most of the work here)
CYPHER replan=skip
UNWIND $rows AS row
MATCH (s) WHERE elementId(s) = row[0] AND s.name = row[1]
MATCH (o) WHERE elementId(o) = row[2] AND o.name = row[3]
CREATE (s)-[:`{{type}}` {
  predicate: row[4], confidence: row[5],
  ev_keys: row[6], ev_doc_ids: row[7], ev_sentences: row[8],
  ev_starts: row[9], ev_ends: row[10], ev_extractors: row[11],
  evidence_count: size(row[6]),
  program: row[12], amount: row[13], count: row[14], title: row[15], date: row[16], status: row[17],
  first_date: row[18], last_date: row[19], provenance: row[20]
}]->(o)
RETURN count(*) AS rows
