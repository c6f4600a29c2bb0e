// name: neighbourhood
// description: The relationships around an entity for diagrams: every relationship with an end fewer than $depth hops away (depth 1 = the entity's own relationships).
// param: name (string) Canonical name or alias of the entity. Example: 岳阳市云溪区总工会
// param: depth (int, optional, default 1, 1..3) How many hops out to go. Example: 2
// Document links (MENTIONED_IN, no predicate) are never followed.
// Neo4j text (the embedded engine runs neighbourhood.ladybug.cypher): the entity
// is looked up once (name by index seek, aliases by one scan of the entity
// labels, instead of two scans of every node reading both), and each relationship touching the neighbourhood is
// found once, undirected, its ends read with startNode/endNode (no UNION).
CALL () {
  MATCH (a:`Union`|Enterprise|Organization|Person|Program|Facility|Award|Region|`Group`)
  WHERE a.name = $name
  RETURN a
  UNION
  MATCH (a:`Union`|Enterprise|Organization|Person|Program|Facility|Award|Region|`Group`)
  WHERE $name IN a.aliases
  RETURN a
}
MATCH p = (a)-[*0..2]-(x)
WHERE length(p) < $depth AND all(e IN relationships(p) WHERE e.predicate IS NOT NULL)
WITH DISTINCT x
MATCH (x)-[r]-()
WHERE r.predicate IS NOT NULL
WITH DISTINCT r
WITH r, startNode(r) AS s, endNode(r) AS o
RETURN s.name AS subject, s.type AS subject_type, r.predicate AS predicate,
       o.name AS object, o.type AS object_type, r.evidence_count AS evidence_count
