-- title: Derived columns of events (published SQLite only)
-- description: date_order sorts dated events first, by their earliest day, and undated ones last; computed by SQLite from date_min.
ALTER TABLE events ADD COLUMN date_order TEXT GENERATED ALWAYS AS (coalesce(date_min, 'undated')) VIRTUAL;
CREATE INDEX idx_events_date_order ON events (date_order, event_id);
