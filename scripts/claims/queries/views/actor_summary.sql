-- title: Actor summary
-- description: Per actor: statements made and received, events taken part in, times mentioned, and the date range of their statements.
CREATE VIEW actor_summary AS
SELECT a.actor_id, a.name, a.actor_type, a.role, a.country,
       (SELECT count(*) FROM statements s WHERE s.speaker_id = a.actor_id) AS statements_made,
       (SELECT count(*) FROM statements s WHERE s.addressee_id = a.actor_id) AS statements_received,
       (SELECT count(DISTINCT p.event_id) FROM event_participants p WHERE p.actor_id = a.actor_id) AS events,
       (SELECT count(*) FROM statement_mentions m WHERE m.entity_type = 'actor' AND m.entity_id = a.actor_id) AS mentions,
       (SELECT min(s.date_min) FROM statements s WHERE s.speaker_id = a.actor_id) AS first_statement,
       (SELECT max(s.date_max) FROM statements s WHERE s.speaker_id = a.actor_id) AS last_statement
FROM actors a
ORDER BY statements_made DESC, a.name;
