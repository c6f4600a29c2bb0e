// name: programs_across_regions
// description: Programs run (RUNS) by organisers in more than one region, with the regions and organisers; most regions first, at most $limit rows.
// param: limit (int, optional, default 200, 1..1000000) Most rows to return (a page in the order above); raise it for exports. Example: 5000
// Regions are the Region nodes the organisers are IN_REGION of; organisers are
// those with at least one. Both stores keep these per program as derived
// properties (region_count, regions, region_organisers; Neo4j by
// loaders/derive_program_regions.cypher after a load, the embedded database
// when it is built), because joining every RUNS with every IN_REGION at query
// time costs ~50k rows at 100k relationships, whatever the page size.
MATCH (p:Program)
WHERE p.region_count > 1
RETURN p.name AS program, p.region_count AS region_count,
       p.regions AS regions, p.region_organisers AS organisers
ORDER BY region_count DESC, program
LIMIT $limit
