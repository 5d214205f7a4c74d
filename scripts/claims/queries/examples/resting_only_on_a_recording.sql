-- title: Claims that rest only on a leaked recording
-- description: Statements every one of whose attestations says the outlet's knowledge comes from a recording it reviewed, with the recording relied on. Optionally only one speaker's (a name, an alias or an ID; empty for everyone).
-- example: speaker=
SELECT s.statement_id, sp.name AS speaker, s.statement_type, s.text,
       group_concat(DISTINCT a.via_source_id) AS recordings
FROM statements s
JOIN actors sp ON sp.actor_id = s.speaker_id
JOIN attestations a ON a.statement_id = s.statement_id
WHERE $speaker = '' OR s.speaker_id IN (SELECT actor_id FROM actor_names WHERE key = lower(trim($speaker)))
GROUP BY s.statement_id, sp.name, s.statement_type, s.text
HAVING min(a.evidence_basis) = 'recording_reviewed_by_outlet' AND max(a.evidence_basis) = 'recording_reviewed_by_outlet'
ORDER BY s.statement_id;
