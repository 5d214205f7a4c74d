-- title: Statements between two dates
-- description: Statements whose date range overlaps the period from :start to :end (ISO dates, e.g. 2025-10-01 and 2025-10-31), with speaker and addressee.
SELECT s.statement_id, s.date, s.date_text, s.date_min, s.date_max, sp.name AS speaker, ad.name AS addressee, s.statement_type, s.text
FROM statements s
JOIN actors sp ON sp.actor_id = s.speaker_id
LEFT JOIN actors ad ON ad.actor_id = s.addressee_id
WHERE s.date_max >= :start AND s.date_min <= :end
ORDER BY s.date_min, s.statement_id
