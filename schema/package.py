"""The dataset's own metadata, written once: title, description, licence, first source,
contributors. datapackage.json, the Datasette metadata and the site's pages carry it."""

from __future__ import annotations

from typing import Any

AUTHOR = "Peace-plan claims dataset contributors"

PACKAGE_META: dict[str, Any] = {
    "name": "peace-plan-claims",
    "title": "Who said what: the autumn-2025 US–Russia–Ukraine peace-plan negotiations",
    "description": (
        "A source-anchored claims dataset: actors, events, statements and the verbatim evidence "
        "(excerpts with character offsets into archived source texts) for who said what, to whom, "
        "when, and according to which source, in the negotiations over the 28-point peace plan. "
        "Excerpts are short quotations credited to their sources; full source texts are not redistributed."
    ),
    "keywords": ["claims", "attribution", "provenance", "Ukraine", "Russia", "peace plan", "EDTF"],
    "licenses": [
        {
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0 (the data). Excerpts are short quotations credited to their sources, whose copyright remains with them.",
        }
    ],
    "sources": [
        {
            "title": "Bloomberg, 'Witkoff advised Russia on how to pitch Ukraine plan to Trump', republished by Fortune, 2025-11-25",
            "path": "https://fortune.com/2025/11/25/ukraine-peace-plan-witkoff-call-with-russia-kremlin-official",
        }
    ],
    "contributors": [{"title": AUTHOR, "role": "author"}],
}
