// name: who_helped_whom
// description: ladybug variant of who_helped_whom.cypher, same parameters and columns.
// param: region (string, optional) Region name, province, city or district; empty means all regions. Example: 岳阳市
// param: limit (int, optional, default 200, 1..1000000) Most rows to return (a page in the order above); raise it for exports. Example: 1000
// param: since (date, optional) Only facts reported on or after this date (YYYY, YYYY-MM or YYYY-MM-DD); empty means no bound. Example: 2025-01-01
// param: until (date, optional, end) Only facts reported on or before this date (YYYY, YYYY-MM or YYYY-MM-DD; a year or month means its last day); empty means no bound. Example: 2025-06-30
// A period (since/until) keeps the facts whose evidence articles, from the
// first (r.first_date) to the last (r.last_date), reach into it; undated facts
// are left out of a bounded period. `until` is compared on its own length, so a
// year or month typed as is (in Neo4j Browser) also means its last day.
// Why a variant: the portable text switches the first part (every SUPPORTS,
// sorted) off with `UNWIND CASE ... [] ...`, but ladybug still scans and sorts
// every SUPPORTS before it joins the empty UNWIND (~40 ms of ~55 ms with a
// region on the 100k benchmark graph). Here the switch is a CASE inside the
// helper's own filter, which ladybug applies while scanning the helpers, so
// with a region the first part finds no helper at once. The other two parts
// are the portable text unchanged.
MATCH (h)-[r:SUPPORTS]->(b)
WHERE CASE WHEN coalesce($region, '') = '' THEN h.name IS NOT NULL ELSE false END
  AND (coalesce($since, '') = '' OR r.last_date >= $since) AND (coalesce($until, '') = '' OR left(r.first_date, size($until)) <= $until)
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
