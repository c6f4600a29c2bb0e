// name: awards_by_region
// description: Awards (AWARDED) by the region of the winner (IN_REGION for bodies, LOCATED_AT a region for facilities); winners with no region get an empty region; optionally one region and a period (since/until). Ordered by region, award, winner, at most $limit rows.
// param: region (string, optional) Region name, province, city or district; empty means all. Example: 岳阳市
// param: limit (int, optional, default 200, 1..1000000) Most rows to return (a page in the order above); raise it for exports. Example: 5000
// param: since (date, optional) Only facts reported on or after this date (YYYY, YYYY-MM or YYYY-MM-DD); empty means no bound. Example: 2025-01-01
// param: until (date, optional, end) Only facts reported on or before this date (YYYY, YYYY-MM or YYYY-MM-DD; a year or month means its last day); empty means no bound. Example: 2025-06-30
// A period (since/until) keeps the facts whose evidence articles, from the
// first (r.first_date) to the last (r.last_date), reach into it; undated facts
// are left out of a bounded period. `until` is compared on its own length, so a
// year or month typed as is (in Neo4j Browser) also means its last day.
// Two parts, one of which yields nothing: without a region every award with
// its winner's regions (if any); with a region the traversal starts from the
// matching Region nodes (a few) instead of testing every AWARDED.
UNWIND CASE WHEN coalesce($region, '') = '' THEN [1] ELSE [] END AS everything
MATCH (w)-[r:AWARDED]->(a:Award)
WHERE (coalesce($since, '') = '' OR r.last_date >= $since) AND (coalesce($until, '') = '' OR left(r.first_date, size($until)) <= $until)
OPTIONAL MATCH (w)-[:IN_REGION|LOCATED_AT]->(g:Region)
RETURN g.name AS region, a.name AS award, w.name AS winner, w.type AS winner_type,
       r.evidence_count AS evidence_count, r.ev_doc_ids AS doc_ids, r.ev_sentences AS evidence
ORDER BY region, award, winner, winner_type
LIMIT $limit
UNION ALL
MATCH (g:Region)
WHERE g.name = $region OR g.province = $region OR g.city = $region OR g.district = $region
MATCH (w)-[:IN_REGION|LOCATED_AT]->(g)
MATCH (w)-[r:AWARDED]->(a:Award)
WHERE (coalesce($since, '') = '' OR r.last_date >= $since) AND (coalesce($until, '') = '' OR left(r.first_date, size($until)) <= $until)
RETURN g.name AS region, a.name AS award, w.name AS winner, w.type AS winner_type,
       r.evidence_count AS evidence_count, r.ev_doc_ids AS doc_ids, r.ev_sentences AS evidence
ORDER BY region, award, winner, winner_type
LIMIT $limit
