-- title: What an outlet asserts in its own voice
-- description: An outlet's own claims (not quotes or paraphrases of others), with their excerpts. The outlet by name or ID (Bloomberg, bloomberg).
-- example: outlet=Bloomberg
SELECT s.statement_id, s.date, s.text, a.excerpt, a.source_id
FROM statements s
JOIN attestations a ON a.statement_id = s.statement_id
WHERE s.statement_type = 'outlet_claim'
  AND s.speaker_id IN (SELECT actor_id FROM actor_names WHERE key = lower(trim($outlet)))
ORDER BY s.statement_id;
