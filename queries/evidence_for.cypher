// name: evidence_for
// description: The relationships between two entities, in either direction, with every evidence entry (documents, sentences, offsets) as parallel lists.
// param: subject (string) Name or alias of one entity. Example: 岳阳市云溪区总工会
// param: object (string) Name or alias of the other entity. Example: 明远机械有限公司
// $subject is looked up among the canonical names first (one index seek per
// entity label on Neo4j), its aliases only when no entity has that canonical
// name; $object is matched by name or alias among the subject's neighbours.
// Parts: subject found by name (outgoing, incoming), then by alias (same two).
MATCH (a:`Union`|Enterprise|Organization|Person|Program|Facility|Award|Region|`Group`)
WHERE a.name = $subject
MATCH (a)-[r]->(o)
WHERE (o.name = $object OR $object IN o.aliases) AND r.predicate IS NOT NULL
RETURN a.name AS subject, r.predicate AS predicate, o.name AS object,
       r.confidence AS confidence, r.evidence_count AS evidence_count,
       r.ev_doc_ids AS doc_ids, r.ev_sentences AS sentences, r.ev_starts AS starts_at, r.ev_ends AS ends_at
UNION
MATCH (a:`Union`|Enterprise|Organization|Person|Program|Facility|Award|Region|`Group`)
WHERE a.name = $subject
MATCH (o)-[r]->(a)
WHERE (o.name = $object OR $object IN o.aliases) AND r.predicate IS NOT NULL
RETURN o.name AS subject, r.predicate AS predicate, a.name AS object,
       r.confidence AS confidence, r.evidence_count AS evidence_count,
       r.ev_doc_ids AS doc_ids, r.ev_sentences AS sentences, r.ev_starts AS starts_at, r.ev_ends AS ends_at
UNION
OPTIONAL MATCH (x:`Union`|Enterprise|Organization|Person|Program|Facility|Award|Region|`Group`)
WHERE x.name = $subject
WITH count(x) AS exact
WHERE exact = 0
MATCH (a:`Union`|Enterprise|Organization|Person|Program|Facility|Award|Region|`Group`)
WHERE $subject IN a.aliases
MATCH (a)-[r]->(o)
WHERE (o.name = $object OR $object IN o.aliases) AND r.predicate IS NOT NULL
RETURN a.name AS subject, r.predicate AS predicate, o.name AS object,
       r.confidence AS confidence, r.evidence_count AS evidence_count,
       r.ev_doc_ids AS doc_ids, r.ev_sentences AS sentences, r.ev_starts AS starts_at, r.ev_ends AS ends_at
UNION
OPTIONAL MATCH (x:`Union`|Enterprise|Organization|Person|Program|Facility|Award|Region|`Group`)
WHERE x.name = $subject
WITH count(x) AS exact
WHERE exact = 0
MATCH (a:`Union`|Enterprise|Organization|Person|Program|Facility|Award|Region|`Group`)
WHERE $subject IN a.aliases
MATCH (o)-[r]->(a)
WHERE (o.name = $object OR $object IN o.aliases) AND r.predicate IS NOT NULL
RETURN o.name AS subject, r.predicate AS predicate, a.name AS object,
       r.confidence AS confidence, r.evidence_count AS evidence_count,
       r.ev_doc_ids AS doc_ids, r.ev_sentences AS sentences, r.ev_starts AS starts_at, r.ev_ends AS ends_at
