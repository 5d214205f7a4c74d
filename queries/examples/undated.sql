-- title: Statements the sources do not date
-- description: Statements without a date, with the curator's note on why. Optionally one speaker's (a name, an alias or an ID; empty for everyone).
-- example: speaker=
SELECT s.statement_id, sp.name AS speaker, s.statement_type, s.text, s.notes
FROM statements s
JOIN actors sp ON sp.actor_id = s.speaker_id
WHERE s.date IS NULL
  AND ($speaker = '' OR s.speaker_id IN (SELECT actor_id FROM actor_names WHERE key = lower(trim($speaker))))
ORDER BY s.statement_id;
