// One relationship per (subject, predicate, object), carrying its evidence as
// parallel lists (schemas/GRAPH.md). Evidence is appended only when its key
// "doc:start:end" is new, so re-loads change nothing; the best confidence
// wins; an attr keeps the first value loaded.
// {{type}} is an ontology predicate, checked by kg.store.loader_cypher.render before it is filled in.
// Both ends come by the elementIds the nodes step returned; their names are checked too.
// The dates of the first and last evidence article widen to cover the new
// evidence; `provenance` becomes "curated" once curation added to it, and stays.
// $rows: [{sid, s, oid, o, predicate, attrs: {program, amount, count, title, date, status},
//          evidence: [{key, doc_id, sentence, start, end, extractor, confidence}],
//          first_date, last_date, provenance, curated: provenance is "curated"}]
// replan=skip: a load changes the statistics a lot, and re-planning every statement
// mid-load costs more than it gains (the plans are index seeks either way).
CYPHER replan=skip
UNWIND $rows AS row
MATCH (s) WHERE elementId(s) = row.sid AND s.name = row.s
MATCH (o) WHERE elementId(o) = row.oid AND o.name = row.o
MERGE (s)-[r:`{{type}}`]->(o)
// a relationship MERGE just created has no properties: `predicate` (always written) tells
WITH r, row, r.predicate IS NULL AS created, coalesce(r.ev_keys, []) AS old_keys
WITH r, row, created, old_keys, [e IN row.evidence WHERE NOT e.key IN old_keys] AS fresh
WITH r, row, created, old_keys, fresh,
     reduce(best = coalesce(r.confidence, 0.0), e IN fresh |
            CASE WHEN e.confidence > best THEN e.confidence ELSE best END) AS confidence,
     coalesce(r.program, row.attrs.program) AS program,
     coalesce(r.amount, row.attrs.amount) AS amount,
     coalesce(r.count, row.attrs.count) AS cnt,
     coalesce(r.title, row.attrs.title) AS title,
     coalesce(r.date, row.attrs.date) AS date,
     coalesce(r.status, row.attrs.status) AS status,
     CASE WHEN r.first_date IS NULL OR row.first_date < r.first_date THEN coalesce(row.first_date, r.first_date)
          ELSE r.first_date END AS first_date,
     CASE WHEN r.last_date IS NULL OR row.last_date > r.last_date THEN coalesce(row.last_date, r.last_date)
          ELSE r.last_date END AS last_date,
     CASE WHEN r.provenance IS NULL OR row.curated THEN row.provenance ELSE r.provenance END AS provenance
WITH r, row, created, old_keys, fresh, confidence, program, amount, cnt, title, date, status,
     first_date, last_date, provenance,
     created OR size(fresh) > 0
     OR r.predicate IS NULL OR r.predicate <> row.predicate
     OR coalesce(r.program, '') <> coalesce(program, '')
     OR coalesce(r.amount, '') <> coalesce(amount, '')
     OR coalesce(r.count, '') <> coalesce(cnt, '')
     OR coalesce(r.title, '') <> coalesce(title, '')
     OR coalesce(r.date, '') <> coalesce(date, '')
     OR coalesce(r.status, '') <> coalesce(status, '')
     OR coalesce(r.first_date, '') <> coalesce(first_date, '')
     OR coalesce(r.last_date, '') <> coalesce(last_date, '')
     OR r.provenance IS NULL OR r.provenance <> provenance AS changed
FOREACH (_ IN CASE WHEN changed THEN [1] ELSE [] END |
  SET r.predicate = row.predicate,
      r.confidence = confidence,
      r.ev_keys = old_keys + [e IN fresh | e.key],
      r.ev_doc_ids = coalesce(r.ev_doc_ids, []) + [e IN fresh | e.doc_id],
      r.ev_sentences = coalesce(r.ev_sentences, []) + [e IN fresh | e.sentence],
      r.ev_starts = coalesce(r.ev_starts, []) + [e IN fresh | e.start],
      r.ev_ends = coalesce(r.ev_ends, []) + [e IN fresh | e.end],
      r.ev_extractors = coalesce(r.ev_extractors, []) + [e IN fresh | e.extractor],
      r.evidence_count = size(old_keys) + size(fresh),
      r.program = program, r.amount = amount, r.count = cnt,
      r.title = title, r.date = date, r.status = status,
      r.first_date = first_date, r.last_date = last_date, r.provenance = provenance)
RETURN count(*) AS rows,
       sum(CASE WHEN created THEN 1 ELSE 0 END) AS created,
       sum(CASE WHEN changed AND NOT created THEN 1 ELSE 0 END) AS updated,
       sum(size(fresh)) AS evidence_added
