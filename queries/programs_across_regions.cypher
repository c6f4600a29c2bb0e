// name: programs_across_regions
// description: Programs run (RUNS) by organisers in more than one region, with the regions and organisers; most regions first, at most $limit rows.
// param: limit (int, optional, default 200, 1..1000000) Most rows to return (a page in the order above); raise it for exports. Example: 5000
// Counting regions first and collecting names for the page only gives the same
// rows as collecting for every program (region names are unique).
MATCH (o)-[:RUNS]->(p:Program)
MATCH (o)-[:IN_REGION]->(g:Region)
WITH p, count(DISTINCT g) AS region_count
WHERE region_count > 1
WITH p, region_count ORDER BY region_count DESC, p.name LIMIT $limit
MATCH (o)-[:RUNS]->(p)
MATCH (o)-[:IN_REGION]->(g:Region)
WITH p, region_count, collect(DISTINCT g.name) AS regions, collect(DISTINCT o.name) AS organisers
RETURN p.name AS program, region_count, regions, organisers
ORDER BY region_count DESC, program
