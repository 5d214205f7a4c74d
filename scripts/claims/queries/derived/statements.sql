-- title: Derived columns of statements (published SQLite only)
-- description: date_order sorts dated statements first, by their earliest day, and undated ones last; topic_list is the pipe-separated topics as a JSON array, so that Datasette can facet one topic at a time (_facet_array). Both are computed by SQLite from the curated columns, never stored or curated twice.
ALTER TABLE statements ADD COLUMN date_order TEXT GENERATED ALWAYS AS (coalesce(date_min, 'undated')) VIRTUAL;
ALTER TABLE statements ADD COLUMN topic_list TEXT GENERATED ALWAYS AS (CASE WHEN topics IS NULL OR topics = '' THEN '[]' ELSE '["' || replace(topics, '|', '","') || '"]' END) VIRTUAL;
CREATE INDEX idx_statements_date_order ON statements (date_order, statement_id);
-- A facet filter with the page's sort (statements?statement_type=paraphrase, ?speaker_id=…) reads
-- its first page from one of these in order, instead of sorting every matching row.
CREATE INDEX idx_statements_speaker_order ON statements (speaker_id, date_order, statement_id);
CREATE INDEX idx_statements_addressee_order ON statements (addressee_id, date_order, statement_id);
CREATE INDEX idx_statements_type_order ON statements (statement_type, date_order, statement_id);
CREATE INDEX idx_statements_event_order ON statements (event_id, date_order, statement_id);
-- statements_dates: an R*Tree over the dated statements whose date range spans more than one day or
-- is open at one end (day numbers of date_min and date_max; an open end is the first or the last day
-- a 32-bit day number holds). "Which statements overlap this period"
-- (queries/canned/statements_between_dates.sql) reads the ranges that begin within the period from
-- the date index, and those that begin before it and reach it from here, instead of walking the
-- date index from the first day on. A one-day date cannot begin before a day and reach it, and an
-- undated row never overlaps: both are left out, which keeps the tree small.
CREATE VIRTUAL TABLE statements_dates USING rtree_i32(statement_rowid, day_min, day_max);
INSERT INTO statements_dates
SELECT rowid, coalesce(CAST(julianday(date_min) AS INTEGER), -2147483648), coalesce(CAST(julianday(date_max) AS INTEGER), 2147483647)
FROM statements WHERE (date_min IS NULL) <> (date_max IS NULL) OR date_min < date_max;
