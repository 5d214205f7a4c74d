"""Package data of `claims`, installed with it: the Great Expectations configuration and suites."""
