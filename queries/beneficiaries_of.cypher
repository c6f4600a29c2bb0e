// name: beneficiaries_of
// description: Everything one body supports (SUPPORTS): companies, people, groups, facilities, with program and evidence.
// param: name (string) Canonical name or alias of the helping body. Example: 岳阳市云溪区总工会
MATCH (h)-[r:SUPPORTS]->(b)
WHERE h.name = $name OR $name IN h.aliases
RETURN h.name AS helper, b.name AS beneficiary, b.type AS beneficiary_type,
       r.program AS program, r.amount AS amount, r.count AS count,
       r.evidence_count AS evidence_count, r.ev_doc_ids AS doc_ids, r.ev_sentences AS evidence
ORDER BY beneficiary
