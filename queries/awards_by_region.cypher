// name: awards_by_region
// description: Awards (AWARDED) by the region of the winner (IN_REGION for bodies, LOCATED_AT a region for facilities); winners with no region get an empty region; optionally one region.
// param: region (string, optional) Region name, province, city or district; empty means all. Example: 岳阳市
MATCH (w)-[r:AWARDED]->(a:Award)
OPTIONAL MATCH (w)-[:IN_REGION|LOCATED_AT]->(g:Region)
WITH w, r, a, g
WHERE coalesce($region, '') = ''
   OR g.name = $region OR g.province = $region OR g.city = $region OR g.district = $region
RETURN g.name AS region, a.name AS award, w.name AS winner, w.type AS winner_type,
       r.evidence_count AS evidence_count, r.ev_doc_ids AS doc_ids, r.ev_sentences AS evidence
ORDER BY region, award, winner
