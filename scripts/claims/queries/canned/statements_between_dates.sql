-- title: Statements between two dates
-- description: Statements whose date overlaps the period from start to end (ISO dates, YYYY-MM-DD, e.g. 2025-10-01 and 2025-10-31; either empty for no bound), dates open at one end included ([..2025-10-14] is one day on or before 14 October), with speaker and addressee, in date order, {page_size} statements a page: for the next page, set after to the last statement_id shown (the Next page link does it).
-- page_size: 100
-- A dated statement overlaps the period unless it ends before the start or begins after the end:
-- coalesce(date_max, '9999-12-31') >= start AND coalesce(date_min, '0000-01-01') <= end, so that an
-- open end (an empty bound of a dated row) reaches as far as it can; undated rows never overlap.
-- :_date_start and :_date_end are the parameters start and end as the plugin reads them (its `date`
-- magic parameter, scripts/claims/site/parameters.py): an ISO date, '' for no bound; anything else
-- is refused with a message before the query runs. A page is read in two parts, each bounded,
-- instead of walking the date index from the first day on: the ranges that begin before the start
-- and reach it, found through the R*Tree of day numbers of the ranges longer than a day and the
-- open ones (statements_dates, queries/derived/statements.sql), and those that begin within the
-- period, read from the date index in order, a page at most.
WITH period AS (
    SELECT CASE WHEN :_date_start = '' THEN '0000-01-01' ELSE :_date_start END AS first_day,
           CASE WHEN :_date_end = '' THEN '9999-12-31' ELSE :_date_end END AS last_day
),
after_key AS (
    SELECT CASE WHEN :after = '' THEN '' ELSE (SELECT date_order FROM statements WHERE statement_id = :after) END AS date_order
),
straddling AS (
    SELECT s.rowid AS statement_rowid, s.date_order, s.statement_id FROM statements s, period
    WHERE s.rowid IN (
        SELECT statement_rowid FROM statements_dates, period
        WHERE day_min < CAST(julianday(period.first_day) AS INTEGER) AND day_max >= CAST(julianday(period.first_day) AS INTEGER)
    )
      AND (s.date_min IS NULL OR s.date_min < period.first_day) AND coalesce(s.date_max, '9999-12-31') >= period.first_day
      AND coalesce(s.date_min, '0000-01-01') <= period.last_day
      AND (s.date_order, s.statement_id) > ((SELECT date_order FROM after_key), :after)
),
starting AS (
    SELECT s.rowid AS statement_rowid, s.date_order, s.statement_id FROM period, statements s
    -- one lower bound, so that the date index is read from it (date_order is date_min, undated last)
    WHERE s.date_order >= max(period.first_day, (SELECT date_order FROM after_key)) AND s.date_order <= period.last_day
      AND s.date_min >= period.first_day AND s.date_min <= period.last_day
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
