-- title: Statements by an actor
-- description: Everything an actor said, in date order (undated last), with addressee, event and the verbatim excerpt, {page_size} statements a page (for the next page, set after to the last statement_id shown; the Next page link does it). speaker: a name, an alias or an ID (Steve Witkoff, Witkoff, steve-witkoff); addressee: the same, or empty for anyone.
-- page_size: 100
WITH page AS (
    SELECT s.statement_id FROM statements s
    WHERE s.speaker_id IN (SELECT actor_id FROM actor_names WHERE key = lower(trim(:speaker)))
      AND (:addressee = '' OR s.addressee_id IN (SELECT actor_id FROM actor_names WHERE key = lower(trim(:addressee))))
      AND (:after = '' OR (s.date_order, s.statement_id) > (SELECT date_order, statement_id FROM statements WHERE statement_id = :after))
    -- date_order (queries/derived/) is date_min, undated last
    ORDER BY s.date_order, s.statement_id
    LIMIT :page_size
)
SELECT s.statement_id, s.date, s.date_text, s.statement_type, sp.name AS speaker, ad.name AS addressee, ev.title AS event, s.text, a.excerpt, a.source_id
FROM page
JOIN statements s ON s.statement_id = page.statement_id
JOIN actors sp ON sp.actor_id = s.speaker_id
LEFT JOIN actors ad ON ad.actor_id = s.addressee_id
LEFT JOIN events ev ON ev.event_id = s.event_id
JOIN attestations a ON a.statement_id = s.statement_id
ORDER BY s.date_order, s.statement_id, a.attestation_id
