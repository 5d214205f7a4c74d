-- title: A plan's terms as reported
-- description: Each provision of a peace plan, with the statements that describe it and who made them. The plan by title, alias or ID (28-point peace proposal, 28-Point Peace Plan, plan-28-point-peace-plan).
-- example: plan=plan-28-point-peace-plan
SELECT v.provision_id, v.topic, v.summary, s.statement_id, sp.name AS reported_by
FROM provisions v
JOIN plans pl ON pl.plan_id = v.plan_id
JOIN statement_mentions m ON m.entity_type = 'provision' AND m.entity_id = v.provision_id
JOIN statements s ON s.statement_id = m.statement_id
JOIN actors sp ON sp.actor_id = s.speaker_id
WHERE pl.plan_id = lower(trim($plan)) OR lower(pl.title) = lower(trim($plan))
   OR '|' || lower(coalesce(pl.aliases, '')) || '|' LIKE '%|' || lower(trim($plan)) || '|%'
ORDER BY v.provision_id, s.statement_id;
