// name: neighbourhood
// description: The relationships around an entity for diagrams: every relationship with an end fewer than $depth hops away (depth 1 = the entity's own relationships).
// param: name (string) Canonical name or alias of the entity. Example: 岳阳市云溪区总工会
// param: depth (int, optional, default 1, 1..3) How many hops out to go. Example: 2
// Document links (MENTIONED_IN, no predicate) are never followed.
MATCH (a)
WHERE a.name = $name OR $name IN a.aliases
MATCH p = (a)-[*0..2]-(x)
WHERE length(p) < $depth AND all(e IN relationships(p) WHERE e.predicate IS NOT NULL)
WITH DISTINCT x
MATCH (x)-[r]->(y)
WHERE r.predicate IS NOT NULL
RETURN x.name AS subject, x.type AS subject_type, r.predicate AS predicate,
       y.name AS object, y.type AS object_type, r.evidence_count AS evidence_count
UNION
MATCH (a)
WHERE a.name = $name OR $name IN a.aliases
MATCH p = (a)-[*0..2]-(x)
WHERE length(p) < $depth AND all(e IN relationships(p) WHERE e.predicate IS NOT NULL)
WITH DISTINCT x
MATCH (y)-[r]->(x)
WHERE r.predicate IS NOT NULL
RETURN y.name AS subject, y.type AS subject_type, r.predicate AS predicate,
       x.name AS object, x.type AS object_type, r.evidence_count AS evidence_count
