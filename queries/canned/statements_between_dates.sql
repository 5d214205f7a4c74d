-- title: Statements between two dates
-- description: Statements whose date range overlaps the period from :start to :end (ISO dates, e.g. 2025-10-01 and 2025-10-31), with speaker and addressee, in date order, {page_size} statements a page: for the next page, set after to the last statement_id shown (the "Next page" link does it).
-- page_size: 100
WITH page AS (
    SELECT s.rowid AS statement_rowid FROM statements s
    -- the R*Tree (queries/derived/statements.sql) finds the candidates by day number; the text
    -- comparison after it is the definition (a start or end that is not an ISO date bounds nothing in the tree)
    WHERE s.rowid IN (
        SELECT statement_rowid FROM statements_dates
        WHERE day_max >= CASE WHEN date(:start) = :start THEN CAST(julianday(:start) AS INTEGER) ELSE -2147483648 END
          AND day_min <= CASE WHEN date(:end) = :end THEN CAST(julianday(:end) AS INTEGER) ELSE 2147483647 END
    )
      AND s.date_max >= :start AND s.date_min <= :end
      AND (:after = '' OR (s.date_min, s.statement_id) > (SELECT date_min, statement_id FROM statements WHERE statement_id = :after))
    ORDER BY s.date_min, s.statement_id
    LIMIT :page_size
)
SELECT s.statement_id, s.date, s.date_text, s.date_min, s.date_max, sp.name AS speaker, ad.name AS addressee, s.statement_type, s.text
FROM page
JOIN statements s ON s.rowid = page.statement_rowid
JOIN actors sp ON sp.actor_id = s.speaker_id
LEFT JOIN actors ad ON ad.actor_id = s.addressee_id
ORDER BY s.date_min, s.statement_id
