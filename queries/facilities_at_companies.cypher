// name: facilities_at_companies
// description: Facilities located at companies (e.g. a 区总工会 sets up a 劳模工匠创新工作室 at a company), with their founders (ESTABLISHES) and leaders (LEADS).
MATCH (f:Facility)-[l:LOCATED_AT]->(c:Enterprise)
OPTIONAL MATCH (founder)-[:ESTABLISHES]->(f)
OPTIONAL MATCH (leader:Person)-[:LEADS]->(f)
WITH f, c, l, collect(DISTINCT founder.name) AS founders, collect(DISTINCT leader.name) AS leaders
RETURN f.name AS facility, c.name AS company, founders, leaders,
       l.ev_doc_ids AS doc_ids, l.ev_sentences AS evidence
ORDER BY facility, company
