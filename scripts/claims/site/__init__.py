"""Everything Datasette serves: the plugin's hooks (plugin.py) and what they hand their work to
(pages, charts, cards, cells, parameters, search, downloads, hardening); the metadata Datasette is
given (metadata.py, written to metadata.json by `claims generate`); the server's settings and
command line (serve.py); the folder `claims publish` writes for a host (publish.py); and the
templates/ and static/ files, installed with the package."""
