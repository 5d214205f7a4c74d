-- title: Timeline
-- description: Events and statements in date order, undated ones last.
SELECT * FROM timeline
