-- title: Search statements and excerpts
-- description: Full-text search (SQLite FTS5, stemmed) over what was said and the verbatim excerpts. Shows speaker, date and excerpt, in date order, {page_size} statements a page (for the next page, set after to the last statement_id shown; the Next page link does it). Quote marks do not matter; use words, e.g. dealmaker, "peace deal", Donetsk. A search reads at most the first {candidates} matching statements and the first {candidates} matching excerpts (by ID): a word found more often than that shows only those; add words to narrow it.
-- page_size: 100
-- candidates: 1000
WITH hits AS (
    -- bounded: a common word matches hundreds of thousands of rows in a large build, and sorting them
    -- all by date outlasts the time limit; the first matches by rowid cost almost nothing to read
    SELECT statement_id FROM statements
    WHERE rowid IN (SELECT rowid FROM statements_fts WHERE statements_fts MATCH escape_fts(:q) ORDER BY rowid LIMIT :candidates)
    UNION
    SELECT statement_id FROM attestations
    WHERE statement_id IS NOT NULL
      AND rowid IN (SELECT rowid FROM attestations_fts WHERE attestations_fts MATCH escape_fts(:q) ORDER BY rowid LIMIT :candidates)
),
page AS (
    SELECT s.statement_id FROM hits
    JOIN statements s ON s.statement_id = hits.statement_id
    WHERE :q <> ''
      AND (:after = '' OR (s.date_order, s.statement_id) > (SELECT date_order, statement_id FROM statements WHERE statement_id = :after))
    ORDER BY s.date_order, s.statement_id
    LIMIT :page_size
)
SELECT s.statement_id, sp.name AS speaker, s.date, s.date_text, s.statement_type, s.text, a.excerpt, a.source_id
FROM page
JOIN statements s ON s.statement_id = page.statement_id
JOIN actors sp ON sp.actor_id = s.speaker_id
JOIN attestations a ON a.statement_id = s.statement_id
ORDER BY s.date_order, s.statement_id, a.attestation_id
