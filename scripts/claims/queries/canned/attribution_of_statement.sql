-- title: Attribution chain of one statement
-- description: Who said it, to whom, at which event, which source reports it, what that source relied on, on what basis, and the verbatim excerpt with its offsets. Pass a statement ID (e.g. st-007).
SELECT statement_id, speaker, addressee, statement_type, text, date, date_text, event, reported_by, reported_by_publisher, reported_at,
       republishes, relies_on, relies_on_type, relies_on_derived_from, evidence_basis, excerpt, char_start, char_end, archive_sha256
FROM attribution_chain
WHERE statement_id = :statement_id
