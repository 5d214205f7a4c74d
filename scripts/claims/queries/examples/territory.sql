-- title: What was said about territory
-- description: Statements tagged with the topic territory or mentioning a plan provision about territory, with speaker and the places they mention. Optionally one speaker (a name, an alias or an ID) and a date range (ISO dates start, end; a date open at one end included); empty for no limit.
-- example: speaker=; start=; end=
SELECT s.statement_id, s.date, sp.name AS speaker, s.statement_type, s.text,
       (SELECT group_concat(p.name, ', ') FROM statement_mentions m JOIN places p ON p.place_id = m.entity_id
         WHERE m.statement_id = s.statement_id AND m.entity_type = 'place') AS places
FROM statements s
JOIN actors sp ON sp.actor_id = s.speaker_id
WHERE ('|' || coalesce(s.topics, '') || '|' LIKE '%|territory|%'
       OR EXISTS (SELECT 1 FROM statement_mentions m JOIN provisions v ON v.provision_id = m.entity_id
                  WHERE m.statement_id = s.statement_id AND m.entity_type = 'provision' AND v.topic = 'territory'))
  AND ($speaker = '' OR s.speaker_id IN (SELECT actor_id FROM actor_names WHERE key = lower(trim($speaker))))
  AND ($start = '' OR s.date IS NOT NULL AND coalesce(CAST(s.date_max AS VARCHAR), '9999-12-31') >= $start)
  AND ($end = '' OR s.date IS NOT NULL AND coalesce(CAST(s.date_min AS VARCHAR), '0000-01-01') <= $end)
ORDER BY s.statement_id;
