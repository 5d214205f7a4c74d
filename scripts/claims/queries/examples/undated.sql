-- title: Statements the sources do not date
-- description: Statements for which the source gives no words of its own for the date (date_text empty): their date is only a bound, one day in a span or on or before a day, from what the source says around them or, at the latest, from its publication. With the bound, what it rests on and the curator's note. Optionally one speaker's (a name, an alias or an ID; empty for everyone).
-- example: speaker=
SELECT s.statement_id, sp.name AS speaker, s.statement_type, s.text, s.date, s.date_resolved_against, s.notes
FROM statements s
JOIN actors sp ON sp.actor_id = s.speaker_id
WHERE s.date_text IS NULL
  AND ($speaker = '' OR s.speaker_id IN (SELECT actor_id FROM actor_names WHERE key = lower(trim($speaker))))
ORDER BY s.statement_id;
