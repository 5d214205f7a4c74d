-- title: Statements the sources do not date
-- description: Statements without a date, with the curator's note on why.
SELECT s.statement_id, sp.name AS speaker, s.statement_type, s.text, s.notes
FROM statements s
JOIN actors sp ON sp.actor_id = s.speaker_id
WHERE s.date IS NULL
ORDER BY s.statement_id;
