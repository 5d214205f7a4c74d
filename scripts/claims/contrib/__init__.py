"""The contributor's tools: adding rows from an excerpt (add, datewords), the canonical form of the
tables (fmt), what changed between revisions (diff), the review page of a pull request (review) and
the findings as a report (report)."""
