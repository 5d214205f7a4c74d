-- title: Statements by an actor
-- description: Everything an actor said, in date order (undated last), with addressee, event and the verbatim excerpt. speaker: a name, an alias or an ID (Steve Witkoff, Witkoff, steve-witkoff); addressee: the same, or empty for anyone.
SELECT s.statement_id, s.date, s.date_text, s.statement_type, sp.name AS speaker, ad.name AS addressee, ev.title AS event, s.text, a.excerpt, a.source_id
FROM statements s
JOIN actors sp ON sp.actor_id = s.speaker_id
LEFT JOIN actors ad ON ad.actor_id = s.addressee_id
LEFT JOIN events ev ON ev.event_id = s.event_id
JOIN attestations a ON a.statement_id = s.statement_id
WHERE s.speaker_id IN (SELECT actor_id FROM actor_names WHERE key = lower(trim(:speaker)))
  AND (:addressee = '' OR s.addressee_id IN (SELECT actor_id FROM actor_names WHERE key = lower(trim(:addressee))))
ORDER BY s.date_min IS NULL, s.date_min, s.statement_id
