-- title: Everything Witkoff said to Ushakov
-- description: Statements whose speaker is Steve Witkoff and addressee Yuri Ushakov, in date order, with the event and the excerpt that attests each.
SELECT s.statement_id, s.date, s.statement_type, s.text, ev.title AS event, a.excerpt
FROM statements s
LEFT JOIN events ev ON ev.event_id = s.event_id
JOIN attestations a ON a.statement_id = s.statement_id
WHERE s.speaker_id = 'steve-witkoff' AND s.addressee_id = 'yuri-ushakov'
ORDER BY s.date_min, s.statement_id;
