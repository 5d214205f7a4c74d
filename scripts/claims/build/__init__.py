"""The build stage: the database writers and the build step.

tables (typed DuckDB tables, and where their cells come from), parquet, sqlite (the database
Datasette serves), linked_data (JSON-LD and PROV) write the outputs; they sit below validation,
which writes the same SQLite database for its cross-table suite. outputs (the build step:
validate, then every output from what validation read) and versions (the output folder, switched
whole) sit above it. Nothing is imported here: a writer imported by validation must not pull in
the build step.
"""
