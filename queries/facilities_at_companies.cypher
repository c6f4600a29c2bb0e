// name: facilities_at_companies
// description: Facilities located at companies (e.g. a 区总工会 sets up a 劳模工匠创新工作室 at a company), with their founders (ESTABLISHES) and leaders (LEADS); ordered by facility then company, at most $limit rows.
// param: limit (int, optional, default 200, 1..1000000) Most rows to return (a page in the order above); raise it for exports. Example: 5000
// The page is chosen first, then founders and leaders are collected for its
// rows only (the same rows as collecting for every facility, then cutting).
MATCH (f:Facility)-[:LOCATED_AT]->(c:Enterprise)
WITH f, c ORDER BY f.name, c.name LIMIT $limit
MATCH (f)-[l:LOCATED_AT]->(c)
OPTIONAL MATCH (founder)-[:ESTABLISHES]->(f)
WITH f, c, l, collect(DISTINCT founder.name) AS founders
OPTIONAL MATCH (leader:Person)-[:LEADS]->(f)
WITH f, c, l, founders, collect(DISTINCT leader.name) AS leaders
RETURN f.name AS facility, c.name AS company, founders, leaders,
       l.ev_doc_ids AS doc_ids, l.ev_sentences AS evidence
ORDER BY facility, company
