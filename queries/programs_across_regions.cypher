// name: programs_across_regions
// description: Programs run (RUNS) by organisers in more than one region, with the regions and organisers; optionally only RUNS reported in a period (since/until). Most regions first, at most $limit rows.
// param: limit (int, optional, default 200, 1..1000000) Most rows to return (a page in the order above); raise it for exports. Example: 5000
// param: since (date, optional) Only facts reported on or after this date (YYYY, YYYY-MM or YYYY-MM-DD); empty means no bound. Example: 2025-01-01
// param: until (date, optional, end) Only facts reported on or before this date (YYYY, YYYY-MM or YYYY-MM-DD; a year or month means its last day); empty means no bound. Example: 2025-06-30
// A period (since/until) keeps the facts whose evidence articles, from the
// first (r.first_date) to the last (r.last_date), reach into it; undated facts
// are left out of a bounded period. `until` is compared on its own length, so a
// year or month typed as is (in Neo4j Browser) also means its last day.
// Regions are the Region nodes the organisers are IN_REGION of; organisers are
// those with at least one. Without a period, both stores keep these per program
// as derived properties (region_count, regions, region_organisers; Neo4j by
// loaders/derive_program_regions.cypher after a load, the embedded database
// when it is built), because joining every RUNS with every IN_REGION at query
// time costs ~50k rows at 100k relationships, whatever the page size. With a
// period the join runs at query time, over the RUNS of the period only. Two
// parts, one of which yields nothing (the UNWIND switch).
UNWIND CASE WHEN coalesce($since, '') = '' AND coalesce($until, '') = '' THEN [1] ELSE [] END AS always
MATCH (p:Program)
WHERE p.region_count > 1
RETURN p.name AS program, p.region_count AS region_count,
       p.regions AS regions, p.region_organisers AS organisers
ORDER BY region_count DESC, program
LIMIT $limit
UNION ALL
UNWIND CASE WHEN coalesce($since, '') = '' AND coalesce($until, '') = '' THEN [] ELSE [1] END AS period
MATCH (o)-[r:RUNS]->(p:Program)
WHERE (coalesce($since, '') = '' OR r.last_date >= $since) AND (coalesce($until, '') = '' OR left(r.first_date, size($until)) <= $until)
MATCH (o)-[:IN_REGION]->(g:Region)
WITH p, collect(DISTINCT g.name) AS regions, collect(DISTINCT o.name) AS organisers
WHERE size(regions) > 1
RETURN p.name AS program, size(regions) AS region_count, regions, organisers
ORDER BY region_count DESC, program
LIMIT $limit
