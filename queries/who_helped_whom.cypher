// name: who_helped_whom
// description: Who helped whom (SUPPORTS), with the program, amount, count and evidence; optionally only where the helper or the beneficiary is in a region.
// param: region (string, optional) Region name, province, city or district; empty means all regions. Example: 岳阳市
// Regions hang on bodies by IN_REGION and on facilities by LOCATED_AT; a Region
// node carries province/city/district, so 湖南省, 岳阳市 or 云溪区 all match a
// body IN_REGION 岳阳市云溪区.
MATCH (h)-[r:SUPPORTS]->(b)
WHERE coalesce($region, '') = ''
   OR EXISTS {
        MATCH (h)-[:IN_REGION|LOCATED_AT]->(g:Region)
        WHERE g.name = $region OR g.province = $region OR g.city = $region OR g.district = $region
      }
   OR EXISTS {
        MATCH (b)-[:IN_REGION|LOCATED_AT]->(g:Region)
        WHERE g.name = $region OR g.province = $region OR g.city = $region OR g.district = $region
      }
RETURN h.name AS helper, h.type AS helper_type,
       b.name AS beneficiary, b.type AS beneficiary_type,
       r.program AS program, r.amount AS amount, r.count AS count,
       r.evidence_count AS evidence_count, r.ev_doc_ids AS doc_ids, r.ev_sentences AS evidence
ORDER BY helper, beneficiary
