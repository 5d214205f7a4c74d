-- title: Search statements and excerpts
-- description: Full-text search (SQLite FTS5, stemmed) over what was said and the verbatim excerpts. Shows speaker, date and excerpt. Quote marks do not matter; use words, e.g. dealmaker, "peace deal", Donetsk.
WITH hits AS (
    SELECT statement_id FROM statements
    WHERE rowid IN (SELECT rowid FROM statements_fts WHERE statements_fts MATCH escape_fts(:q))
    UNION
    SELECT statement_id FROM attestations
    WHERE statement_id IS NOT NULL AND rowid IN (SELECT rowid FROM attestations_fts WHERE attestations_fts MATCH escape_fts(:q))
)
SELECT s.statement_id, sp.name AS speaker, s.date, s.date_text, s.statement_type, s.text, a.excerpt, a.source_id
FROM hits
JOIN statements s ON s.statement_id = hits.statement_id
JOIN actors sp ON sp.actor_id = s.speaker_id
JOIN attestations a ON a.statement_id = s.statement_id
WHERE :q <> ''
ORDER BY s.date_min IS NULL, s.date_min, s.statement_id
