"""Package data of `claims`, installed with it: the Datasette templates, styles and (generated) metadata."""
