"""The structure layer (frictionless), the row layer (pydantic) and the reference suites (Great
Expectations) each catch the cell rules alone.

All three are derived from the same schema; a cell defect must be caught by each of them on its
own, so that none is a silent passenger of another.
"""

import pytest

from claims.schema import TABLES_BY_NAME
from claims.validate import Run, expectations, rows, structure

pytestmark = pytest.mark.slow

DEFECTS = [
    ("actors", {"actor_id": "axios"}, "actor_type", "newspaper"),  # enum
    ("actors", {"actor_id": "axios"}, "actor_id", "Axios"),  # ID pattern
    ("actors", {"actor_id": "axios"}, "name", ""),  # required
    ("actors", {"actor_id": "axios"}, "country", "usa"),  # country pattern
    ("actors", {"actor_id": "axios"}, "wikidata_id", "Q0"),  # Wikidata pattern
    ("sources", {"source_id": "axios-interview-dmitriev"}, "url", "ftp://x.org"),  # URL
    ("sources", {"source_id": "axios-interview-dmitriev"}, "archive_sha256", "abc"),  # hash
    ("sources", {"source_id": "axios-interview-dmitriev"}, "published_at", "2025/11/25"),  # timestamp
    ("attestations", {"attestation_id": "att-001"}, "char_start", "-4"),  # minimum
    ("attestations", {"attestation_id": "att-001"}, "char_end", "1.5"),  # integer
    ("statements", {"statement_id": "st-007"}, "translated", "yes"),  # boolean
    ("statements", {"statement_id": "st-007"}, "date_min", "2025-10-32"),  # date
    ("statements", {"statement_id": "st-007"}, "topics", "peace_plan|weather"),  # list of enum
    ("statements", {"statement_id": "st-007"}, "language", "English"),  # language pattern
]


def layer_findings(dataset, layer):
    run = Run(dataset.dir, None)
    if layer == "structure":
        structure.check(run)
    elif layer == "expectations":
        from claims.tablefile import read_table

        for name, model in TABLES_BY_NAME.items():
            run.tables[name], _ = read_table(dataset.path(name), model, str(dataset.path(name)))
        expectations.check(run)
    else:
        from claims.tablefile import read_table

        for name, model in TABLES_BY_NAME.items():
            run.tables[name], _ = read_table(dataset.path(name), model, str(dataset.path(name)))
        rows.check(run)
    return {(f.line, f.column) for f in run.findings if f.layer == layer}


@pytest.mark.parametrize("table, match, column, value", DEFECTS, ids=[f"{d[0]}.{d[2]}={d[3]!r}" for d in DEFECTS])
@pytest.mark.parametrize("layer", ["structure", "rows", "expectations"])
def test_each_layer_alone_catches_the_defect(dataset, layer, table, match, column, value):
    line = dataset.edit(table, match, **{column: value})
    assert (line, column) in layer_findings(dataset, layer)
