-- title: What the outlet asserts in its own voice
-- description: Bloomberg's own claims (not quotes or paraphrases of others), with their excerpts.
SELECT s.statement_id, s.text, a.excerpt
FROM statements s
JOIN attestations a ON a.statement_id = s.statement_id
WHERE s.statement_type = 'outlet_claim' AND s.speaker_id = 'bloomberg'
ORDER BY s.statement_id;
