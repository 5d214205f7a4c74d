-- title: Who spoke to whom
-- description: One row per speaker and addressee (addressee empty where the source names none), with the number of statements, their date range and types.
CREATE VIEW who_spoke_to_whom AS
SELECT s.speaker_id, sp.name AS speaker, s.addressee_id, ad.name AS addressee,
       count(*) AS statements, min(s.date_min) AS first_date, max(s.date_max) AS last_date,
       group_concat(DISTINCT s.statement_type) AS statement_types
FROM statements s
JOIN actors sp ON sp.actor_id = s.speaker_id
LEFT JOIN actors ad ON ad.actor_id = s.addressee_id
GROUP BY s.speaker_id, sp.name, s.addressee_id, ad.name
ORDER BY statements DESC, speaker, addressee;
