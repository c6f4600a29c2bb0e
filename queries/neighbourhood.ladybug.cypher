// name: neighbourhood
// description: ladybug variant of neighbourhood.cypher, same parameters and columns.
// param: name (string) Canonical name or alias of the entity. Example: 岳阳市云溪区总工会
// param: depth (int, optional, default 1, 1..3) How many hops out to go. Example: 2
// Why a variant: ladybug evaluates all(... relationships(p) ...) only after it
// has expanded every walk, so the portable text walks through Document nodes
// (each links to every entity of its article) and blows up on real corpora.
// Its own recursive filter `(e, n | WHERE ...)` prunes while expanding;
// Neo4j does not know that syntax (it prunes the portable form by itself).
// The last hop is a one-hop recursive pattern too: ladybug extends it from the
// few neighbourhood nodes, where a plain `MATCH (x)-[r]->(y)` after WITH scans
// and hash-joins every relationship table (~100k rows per part).
MATCH (a)
WHERE a.name = $name OR $name IN a.aliases
MATCH p = (a)-[e*0..2 (re, n | WHERE re.predicate IS NOT NULL)]-(x)
WHERE length(p) < $depth
WITH DISTINCT x
MATCH (x)-[h*1..1 (re, n | WHERE re.predicate IS NOT NULL)]->(y)
WITH x, y, rels(h)[1] AS r
RETURN x.name AS subject, x.type AS subject_type, r.predicate AS predicate,
       y.name AS object, y.type AS object_type, r.evidence_count AS evidence_count
UNION
MATCH (a)
WHERE a.name = $name OR $name IN a.aliases
MATCH p = (a)-[e*0..2 (re, n | WHERE re.predicate IS NOT NULL)]-(x)
WHERE length(p) < $depth
WITH DISTINCT x
MATCH (x)<-[h*1..1 (re, n | WHERE re.predicate IS NOT NULL)]-(y)
WITH x, y, rels(h)[1] AS r
RETURN y.name AS subject, y.type AS subject_type, r.predicate AS predicate,
       x.name AS object, x.type AS object_type, r.evidence_count AS evidence_count
