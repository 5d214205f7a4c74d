"""data/COVERAGE.md accounts for every paragraph of the article body, in step with the data."""

import re
from pathlib import Path

from claims.coverage import paragraphs

REPO = Path(__file__).resolve().parents[1]
SOURCE = "fortune-2025-11-25-witkoff-advised-russia"
ROW = re.compile(r"^\| L(\d+) \| .*? \| ([^|]*) \| ([^|]*) \|$", re.M)


def checklist() -> dict[int, tuple[list[str], str]]:
    text = (REPO / "data" / "COVERAGE.md").read_text(encoding="utf-8")
    return {int(line): ([r for r in rows.strip().split(", ") if r not in {"", "—"}], note.strip()) for line, rows, note in ROW.findall(text)}


def test_every_paragraph_is_listed_with_the_rows_it_produced(archive):
    listed = checklist()
    found = paragraphs(REPO / "data", archive, SOURCE)
    assert sorted(listed) == [p.line for p in found], "run `claims coverage` and update data/COVERAGE.md"
    for paragraph in found:
        assert listed[paragraph.line][0] == paragraph.rows, f"L{paragraph.line}: COVERAGE.md lists other rows than the data"


def test_every_paragraph_without_rows_says_why(archive):
    for line, (rows, note) in checklist().items():
        if not rows:
            assert note, f"L{line} produced no rows but gives no reason"


def test_the_article_body_produced_rows():
    assert sum(1 for rows, _ in checklist().values() if rows) >= 30
