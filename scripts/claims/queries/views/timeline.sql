-- title: Timeline
-- description: Events and statements in date order (undated rows last), with speaker, addressee and event names. `date_min`/`date_max` are the calendar bounds of the EDTF `date` (one is empty where the date is open-ended, e.g. `[..2025-10-13]`: on or before); `date_text` is the source's wording.
CREATE VIEW timeline AS
SELECT kind, id, date, date_text, date_min, date_max, type, title_or_text, speaker, addressee, event
FROM (
    SELECT 'event' AS kind, e.event_id AS id, e.date, e.date_text, e.date_min, e.date_max, e.event_type AS type,
           e.title AS title_or_text, NULL AS speaker, NULL AS addressee, e.title AS event
    FROM events e
    UNION ALL
    SELECT 'statement' AS kind, s.statement_id AS id, s.date, s.date_text, s.date_min, s.date_max, s.statement_type AS type,
           s.text AS title_or_text, sp.name AS speaker, ad.name AS addressee, ev.title AS event
    FROM statements s
    JOIN actors sp ON sp.actor_id = s.speaker_id
    LEFT JOIN actors ad ON ad.actor_id = s.addressee_id
    LEFT JOIN events ev ON ev.event_id = s.event_id
) AS rows_in_time
ORDER BY coalesce(date_min, date_max) IS NULL, coalesce(date_min, date_max), date_max, kind, id;
