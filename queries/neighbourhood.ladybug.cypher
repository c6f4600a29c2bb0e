// name: neighbourhood
// description: ladybug variant of neighbourhood.cypher, same parameters and columns.
// param: name (string) Canonical name or alias of the entity. Example: 岳阳市云溪区总工会
// param: depth (int, optional, default 1, 1..3) How many hops out to go. Example: 2
// Why a variant: ladybug evaluates all(... relationships(p) ...) only after it
// has expanded every walk, so the portable text walks through Document nodes
// (each links to every entity of its article) and blows up on real corpora.
// Shape, for speed on ladybug: the relationships with an end fewer than $depth
// hops away are exactly the last relationships of walks of $depth hops from the
// entity (a walk may step back), so depth 1 and 2 are plain fixed-length
// patterns (the first part); only depth 3 (the second part) needs the nodes
// two hops away made distinct first, then a one-hop recursive pattern, which
// ladybug extends from those few nodes (a plain pattern after WITH DISTINCT
// scans and hash-joins every relationship table). Each part tests $depth
// inside a CASE on the entity's own filter, so the part that does not apply
// finds no entity and costs one scan (a bare `$depth = 3 AND ...` is only
// applied after the whole expansion). The direction of an undirected match
// comes from the relationship's stored source (_src), not from the pattern.
// Every relationship is read once per walk; RETURN DISTINCT keeps one row.
MATCH (a)
WHERE CASE WHEN $depth <= 2 THEN a.name = $name OR $name IN a.aliases ELSE false END
MATCH (a)-[r1]-(x)-[r]-(y)
WHERE r1.predicate IS NOT NULL AND r.predicate IS NOT NULL AND ($depth = 2 OR id(r) = id(r1))
WITH x, y, r, struct_extract(r, '_src') = id(x) AS fwd
RETURN DISTINCT CASE WHEN fwd THEN x.name ELSE y.name END AS subject,
       CASE WHEN fwd THEN x.type ELSE y.type END AS subject_type, r.predicate AS predicate,
       CASE WHEN fwd THEN y.name ELSE x.name END AS object,
       CASE WHEN fwd THEN y.type ELSE x.type END AS object_type, r.evidence_count AS evidence_count
UNION ALL
MATCH (a)
WHERE CASE WHEN $depth = 3 THEN a.name = $name OR $name IN a.aliases ELSE false END
MATCH (a)-[r1]-(m)-[r2]-(x)
WHERE r1.predicate IS NOT NULL AND r2.predicate IS NOT NULL
WITH DISTINCT x
MATCH (x)-[h*1..1 (re, n | WHERE re.predicate IS NOT NULL)]-(y)
WITH x, y, rels(h)[1] AS r
WITH x, y, r, r._src = id(x) AS fwd
RETURN DISTINCT CASE WHEN fwd THEN x.name ELSE y.name END AS subject,
       CASE WHEN fwd THEN x.type ELSE y.type END AS subject_type, r.predicate AS predicate,
       CASE WHEN fwd THEN y.name ELSE x.name END AS object,
       CASE WHEN fwd THEN y.type ELSE x.type END AS object_type, r.evidence_count AS evidence_count
