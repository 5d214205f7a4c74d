-- title: The 28-point plan's terms as reported
-- description: Each provision of the 28-point peace plan, with the statements that describe it and who made them.
SELECT v.provision_id, v.topic, v.summary, s.statement_id, sp.name AS reported_by
FROM provisions v
JOIN statement_mentions m ON m.entity_type = 'provision' AND m.entity_id = v.provision_id
JOIN statements s ON s.statement_id = m.statement_id
JOIN actors sp ON sp.actor_id = s.speaker_id
WHERE v.plan_id = 'plan-28-point-peace-plan'
ORDER BY v.provision_id, s.statement_id;
