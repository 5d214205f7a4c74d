"""Package data of `claims`, installed with it: the SQL views, derived columns, canned and example queries."""
