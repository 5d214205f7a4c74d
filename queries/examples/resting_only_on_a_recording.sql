-- title: Claims that rest only on a leaked recording
-- description: Statements every one of whose attestations says the outlet's knowledge comes from a recording it reviewed, with the recording relied on.
SELECT s.statement_id, sp.name AS speaker, s.statement_type, s.text,
       group_concat(DISTINCT a.via_source_id) AS recordings
FROM statements s
JOIN actors sp ON sp.actor_id = s.speaker_id
JOIN attestations a ON a.statement_id = s.statement_id
GROUP BY s.statement_id, sp.name, s.statement_type, s.text
HAVING min(a.evidence_basis) = 'recording_reviewed_by_outlet' AND max(a.evidence_basis) = 'recording_reviewed_by_outlet'
ORDER BY s.statement_id;
