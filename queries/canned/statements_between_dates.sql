-- title: Statements between two dates
-- description: Statements whose date range overlaps the period from :start to :end (ISO dates, e.g. 2025-10-01 and 2025-10-31), with speaker and addressee, in date order, {page_size} statements a page: for the next page, set after to the last statement_id shown (the "Next page" link does it).
-- page_size: 100
-- The overlap is date_max >= :start AND date_min <= :end (text comparison of ISO dates, undated rows
-- never overlap); a page is read in two parts, each bounded, instead of walking the date index from
-- the first day on: the ranges that begin before :start and reach it, found through the R*Tree of day
-- numbers (statements_dates, queries/derived/statements.sql), and those that begin within the
-- period, read from the date index in order, a page at most. A start that is not an ISO date bounds
-- nothing in the tree; the text comparison decides.
WITH after_key AS (
    SELECT CASE WHEN :after = '' THEN '' ELSE (SELECT date_order FROM statements WHERE statement_id = :after) END AS date_order
),
straddling AS (
    SELECT s.rowid AS statement_rowid, s.date_order, s.statement_id FROM statements s
    WHERE s.rowid IN (
        SELECT statement_rowid FROM statements_dates
        WHERE day_min < CASE WHEN date(:start) = :start THEN CAST(julianday(:start) AS INTEGER) ELSE 2147483647 END
          AND day_max >= CASE WHEN date(:start) = :start THEN CAST(julianday(:start) AS INTEGER) ELSE -2147483648 END
    )
      AND s.date_min < :start AND s.date_max >= :start AND s.date_min <= :end
      AND (s.date_order, s.statement_id) > ((SELECT date_order FROM after_key), :after)
),
starting AS (
    SELECT s.rowid AS statement_rowid, s.date_order, s.statement_id FROM statements s
    -- one lower bound, so that the date index is read from it (date_order is date_min, undated last)
    WHERE s.date_order >= max(:start, (SELECT date_order FROM after_key)) AND s.date_order <= :end
      AND s.date_min >= :start AND s.date_min <= :end AND s.date_max >= :start
      AND (s.date_order, s.statement_id) > ((SELECT date_order FROM after_key), :after)
    ORDER BY s.date_order, s.statement_id
    LIMIT :page_size
),
page AS (
    SELECT statement_rowid FROM (SELECT * FROM straddling UNION ALL SELECT * FROM starting)
    ORDER BY date_order, statement_id
    LIMIT :page_size
)
SELECT s.statement_id, s.date, s.date_text, s.date_min, s.date_max, sp.name AS speaker, ad.name AS addressee, s.statement_type, s.text
FROM page
JOIN statements s ON s.rowid = page.statement_rowid
JOIN actors sp ON sp.actor_id = s.speaker_id
LEFT JOIN actors ad ON ad.actor_id = s.addressee_id
ORDER BY s.date_order, s.statement_id
