-- title: Everything one actor said to another
-- description: Statements from a speaker to an addressee (names, aliases or IDs: Steve Witkoff, Witkoff or steve-witkoff), optionally only those whose date may fall between two ISO dates (start, end; empty for no bound; a date open at one end included: [..2025-10-14] is on or before 14 October), in date order, with the event and the excerpt that attests each.
-- example: speaker=Steve Witkoff; addressee=Yuri Ushakov; start=; end=
SELECT s.statement_id, s.date, s.date_text, s.statement_type, s.text, ev.title AS event, a.excerpt, a.source_id
FROM statements s
LEFT JOIN events ev ON ev.event_id = s.event_id
JOIN attestations a ON a.statement_id = s.statement_id
WHERE s.speaker_id IN (SELECT actor_id FROM actor_names WHERE key = lower(trim($speaker)))
  AND s.addressee_id IN (SELECT actor_id FROM actor_names WHERE key = lower(trim($addressee)))
  AND ($start = '' OR s.date IS NOT NULL AND coalesce(CAST(s.date_max AS VARCHAR), '9999-12-31') >= $start)
  AND ($end = '' OR s.date IS NOT NULL AND coalesce(CAST(s.date_min AS VARCHAR), '0000-01-01') <= $end)
ORDER BY s.date_min IS NULL, s.date_min, s.statement_id;
