// name: neighbourhood
// description: The relationships around an entity for diagrams: every relationship with an end fewer than $depth hops away (depth 1 = the entity's own relationships).
// param: name (string) Canonical name or alias of the entity. Example: 岳阳市云溪区总工会
// param: depth (int, optional, default 1, 1..3) How many hops out to go. Example: 2
// Document links (MENTIONED_IN, no predicate) are never followed.
// Neo4j text (the embedded engine runs neighbourhood.ladybug.cypher). The entity
// is looked up among the canonical names first (one index seek per entity
// label); aliases are searched (a scan of the entity labels) only when no entity
// has that canonical name, as in helpers_of. Each relationship touching the
// neighbourhood is found once, undirected, its ends read with startNode/endNode.
CALL () {
  MATCH (a:`Union`|Enterprise|Organization|Person|Program|Facility|Award|Region|`Group`)
  WHERE a.name = $name
  RETURN a
  UNION
  OPTIONAL MATCH (x:`Union`|Enterprise|Organization|Person|Program|Facility|Award|Region|`Group`)
  WHERE x.name = $name
  WITH count(x) AS exact
  WHERE exact = 0
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
