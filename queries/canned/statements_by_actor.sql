-- title: Statements by an actor
-- description: Everything an actor said, in date order, with addressee, event and the verbatim excerpt. Pass the actor's ID (e.g. steve-witkoff, donald-trump, yuri-ushakov).
SELECT s.statement_id, s.date, s.date_text, s.statement_type, ad.name AS addressee, ev.title AS event, s.text, a.excerpt, a.source_id
FROM statements s
LEFT JOIN actors ad ON ad.actor_id = s.addressee_id
LEFT JOIN events ev ON ev.event_id = s.event_id
JOIN attestations a ON a.statement_id = s.statement_id
WHERE s.speaker_id = :actor_id
ORDER BY s.date_min IS NULL, s.date_min, s.statement_id
