-- title: Attribution chain
-- description: Each statement with its full attribution: speaker → addressee → event → reporting source (and what it republishes) → the source it relied on (and what that was made from) → evidence basis → verbatim excerpt with offsets into the archived text. One row per attestation.
CREATE VIEW attribution_chain AS
SELECT s.statement_id, sp.name AS speaker, ad.name AS addressee, s.statement_type, s.text,
       s.date, s.date_text, s.date_min, s.date_max,
       ev.event_id, ev.title AS event, ev.event_type,
       a.attestation_id, src.source_id AS reported_by_id, src.title AS reported_by, pub.name AS reported_by_publisher,
       src.published_at AS reported_at, orig.source_id AS republishes_id, orig.title AS republishes,
       via.source_id AS relies_on_id, via.title AS relies_on, via.source_type AS relies_on_type,
       made_from.source_id AS relies_on_derived_from_id, made_from.title AS relies_on_derived_from,
       a.evidence_basis, a.excerpt, a.char_start, a.char_end, src.archive_sha256
FROM statements s
JOIN actors sp ON sp.actor_id = s.speaker_id
LEFT JOIN actors ad ON ad.actor_id = s.addressee_id
LEFT JOIN events ev ON ev.event_id = s.event_id
JOIN attestations a ON a.statement_id = s.statement_id
JOIN sources src ON src.source_id = a.source_id
LEFT JOIN actors pub ON pub.actor_id = src.publisher_id
LEFT JOIN sources orig ON orig.source_id = src.republishes_id
LEFT JOIN sources via ON via.source_id = a.via_source_id
LEFT JOIN sources made_from ON made_from.source_id = via.derived_from_id
ORDER BY s.statement_id, a.attestation_id;
