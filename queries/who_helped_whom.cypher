// name: who_helped_whom
// description: Who helped whom (SUPPORTS), with the program, amount, count and evidence; optionally only where the helper or the beneficiary is in a region, and only facts reported in a period (since/until). Ordered by helper then beneficiary, at most $limit rows (with a region: first the helpers in the region, then the rows where only the beneficiary is, at most $limit each).
// param: region (string, optional) Region name, province, city or district; empty means all regions. Example: 岳阳市
// param: limit (int, optional, default 200, 1..1000000) Most rows to return (a page in the order above); raise it for exports. Example: 1000
// param: since (date, optional) Only facts reported on or after this date (YYYY, YYYY-MM or YYYY-MM-DD); empty means no bound. Example: 2025-01-01
// param: until (date, optional, end) Only facts reported on or before this date (YYYY, YYYY-MM or YYYY-MM-DD; a year or month means its last day); empty means no bound. Example: 2025-06-30
// A period (since/until) keeps the facts whose evidence articles, from the
// first (r.first_date) to the last (r.last_date), reach into it; undated facts
// are left out of a bounded period. `until` is compared on its own length, so a
// year or month typed as is (in Neo4j Browser) also means its last day.
// Regions hang on bodies by IN_REGION and on facilities by LOCATED_AT; a Region
// node carries province/city/district, so 湖南省, 岳阳市 or 云溪区 all match a
// body IN_REGION 岳阳市云溪区.
// Shape, for speed on both engines: with a region, the traversal starts from
// the matching Region nodes (a few) instead of testing every SUPPORTS; a
// relationship with both ends in the region comes once (from the helper side).
// The first part runs only without a region (the UNWIND yields no row
// otherwise, so neither engine sorts every SUPPORTS when a region is given).
UNWIND CASE WHEN coalesce($region, '') = '' THEN [1] ELSE [] END AS everything
MATCH (h)-[r:SUPPORTS]->(b)
WHERE (coalesce($since, '') = '' OR r.last_date >= $since) AND (coalesce($until, '') = '' OR left(r.first_date, size($until)) <= $until)
RETURN h.name AS helper, h.type AS helper_type,
       b.name AS beneficiary, b.type AS beneficiary_type,
       r.program AS program, r.amount AS amount, r.count AS count,
       r.evidence_count AS evidence_count, r.ev_doc_ids AS doc_ids, r.ev_sentences AS evidence
ORDER BY helper, helper_type, beneficiary, beneficiary_type
LIMIT $limit
UNION ALL
MATCH (g:Region)
WHERE g.name = $region OR g.province = $region OR g.city = $region OR g.district = $region
MATCH (h)-[:IN_REGION|LOCATED_AT]->(g)
WITH DISTINCT h
MATCH (h)-[r:SUPPORTS]->(b)
WHERE (coalesce($since, '') = '' OR r.last_date >= $since) AND (coalesce($until, '') = '' OR left(r.first_date, size($until)) <= $until)
RETURN h.name AS helper, h.type AS helper_type,
       b.name AS beneficiary, b.type AS beneficiary_type,
       r.program AS program, r.amount AS amount, r.count AS count,
       r.evidence_count AS evidence_count, r.ev_doc_ids AS doc_ids, r.ev_sentences AS evidence
ORDER BY helper, helper_type, beneficiary, beneficiary_type
LIMIT $limit
UNION ALL
MATCH (g:Region)
WHERE g.name = $region OR g.province = $region OR g.city = $region OR g.district = $region
MATCH (x)-[:IN_REGION|LOCATED_AT]->(g)
WITH collect(DISTINCT x.type + ':' + x.name) AS inside
MATCH (g:Region)
WHERE g.name = $region OR g.province = $region OR g.city = $region OR g.district = $region
MATCH (b)-[:IN_REGION|LOCATED_AT]->(g)
WITH DISTINCT b, inside
MATCH (h)-[r:SUPPORTS]->(b)
WHERE NOT (h.type + ':' + h.name) IN inside
  AND (coalesce($since, '') = '' OR r.last_date >= $since) AND (coalesce($until, '') = '' OR left(r.first_date, size($until)) <= $until)
RETURN h.name AS helper, h.type AS helper_type,
       b.name AS beneficiary, b.type AS beneficiary_type,
       r.program AS program, r.amount AS amount, r.count AS count,
       r.evidence_count AS evidence_count, r.ev_doc_ids AS doc_ids, r.ev_sentences AS evidence
ORDER BY helper, helper_type, beneficiary, beneficiary_type
LIMIT $limit
