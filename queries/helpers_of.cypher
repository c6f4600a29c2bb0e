// name: helpers_of
// description: The bodies that support (SUPPORTS) one entity, with program, amount and evidence.
// param: name (string) Canonical name or alias of the supported entity. Example: 明远机械有限公司
MATCH (h)-[r:SUPPORTS]->(b)
WHERE b.name = $name OR $name IN b.aliases
RETURN b.name AS beneficiary, h.name AS helper, h.type AS helper_type,
       r.program AS program, r.amount AS amount, r.count AS count,
       r.evidence_count AS evidence_count, r.ev_doc_ids AS doc_ids, r.ev_sentences AS evidence
ORDER BY helper
