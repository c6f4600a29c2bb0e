// name: programs_across_regions
// description: Programs run (RUNS) by organisers in more than one region, with the regions and organisers.
MATCH (o)-[:RUNS]->(p:Program)
MATCH (o)-[:IN_REGION]->(g:Region)
WITH p, collect(DISTINCT g.name) AS regions, collect(DISTINCT o.name) AS organisers
WHERE size(regions) > 1
RETURN p.name AS program, size(regions) AS region_count, regions, organisers
ORDER BY region_count DESC, program
