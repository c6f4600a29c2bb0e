// name: evidence_for
// description: The relationships between two entities, in either direction, with every evidence entry (documents, sentences, offsets) as parallel lists.
// param: subject (string) Name or alias of one entity. Example: 岳阳市云溪区总工会
// param: object (string) Name or alias of the other entity. Example: 明远机械有限公司
MATCH (s)-[r]->(o)
WHERE (s.name = $subject OR $subject IN s.aliases)
  AND (o.name = $object OR $object IN o.aliases)
  AND r.predicate IS NOT NULL
RETURN s.name AS subject, r.predicate AS predicate, o.name AS object,
       r.confidence AS confidence, r.evidence_count AS evidence_count,
       r.ev_doc_ids AS doc_ids, r.ev_sentences AS sentences, r.ev_starts AS starts_at, r.ev_ends AS ends_at
UNION
MATCH (s)-[r]->(o)
WHERE (s.name = $object OR $object IN s.aliases)
  AND (o.name = $subject OR $subject IN o.aliases)
  AND r.predicate IS NOT NULL
RETURN s.name AS subject, r.predicate AS predicate, o.name AS object,
       r.confidence AS confidence, r.evidence_count AS evidence_count,
       r.ev_doc_ids AS doc_ids, r.ev_sentences AS sentences, r.ev_starts AS starts_at, r.ev_ends AS ends_at
