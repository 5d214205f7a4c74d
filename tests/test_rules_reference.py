"""The rule catalogue's registry and the rules reference generated from it (docs/rules.md)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from claims import rules_reference
from claims.generate import generated_files
from claims.project import SUITES_DIR
from claims.schema.catalogue import ROW_RULES, RULES, STORE_RULES, TEXT_CELL_RULES

REPO = Path(__file__).resolve().parents[1]


def test_the_rules_reference_is_generated_and_committed():
    assert (REPO / "docs" / "rules.md").read_text(encoding="utf-8") == rules_reference.markdown()
    assert REPO / "docs" / "rules.md" in generated_files()
    assert "(rules.md)" in (REPO / "docs" / "validation.md").read_text(encoding="utf-8")


def test_every_rule_is_listed_with_its_scope_layer_and_summary():
    text = rules_reference.markdown()
    sections = text.split("\n## ")[1:]
    by_layer = {section.split("\n", 1)[0]: section for section in sections}
    for rule in RULES.values():
        assert f"| `{rule.id}` | {rule.scope} | {rules_reference.table_cell(rule.summary)} |" in by_layer[rule.layer], (
            rule.id
        )


def test_every_rule_with_a_template_has_an_example_finding_and_its_hint():
    text = rules_reference.markdown()
    for rule in ROW_RULES:
        example = text.split(f"### `{rule.id}`", 1)[1].split("###", 1)[0]
        assert f": [{rule.id}] " in example and "{" not in example, rule.id
    first_of = {}
    for rule in ROW_RULES:
        first_of.setdefault(rule.id, rule)
    for rule_id, rule in first_of.items():
        assert f"    hint: {rules_reference.render(rule.hint)}" in text, rule_id
    for cell in TEXT_CELL_RULES:
        assert f"text: [{cell.id}] {cell.message}" in text, cell.id


def test_each_rule_has_a_summary_of_its_own():
    """A row or text-cell rule's summary says what the rule asks, not one of its message templates."""
    templates = {rule.message for rule in ROW_RULES} | {cell.message for cell in TEXT_CELL_RULES}
    for rule_id in {rule.id for rule in ROW_RULES} | {cell.id for cell in TEXT_CELL_RULES}:
        assert rule_id in RULES, rule_id
        assert RULES[rule_id].summary not in templates, rule_id
    assert {RULES[rule.id].scope for rule in ROW_RULES} == {"row"}


def test_importing_the_catalogue_scans_no_code_points():
    """The invisible characters are read from Unicode's tables when a check first needs them."""
    probe = (
        "import claims.schema.catalogue\n"
        "from claims.schema.text import invisible_ranges\n"
        "print(invisible_ranges.cache_info().currsize)\n"
    )
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "0"


def test_the_invisible_characters_are_unicode_format_characters_and_the_separators():
    import unicodedata

    from claims.schema.text import invisible_ranges

    ranges = invisible_ranges()
    assert (0x2028, 0x2029) in ranges and (0x200B, 0x200F) in ranges
    for low, high in ranges:
        for code in (low, high):
            assert unicodedata.category(chr(code)) == "Cf" or code in (0x2028, 0x2029)


def test_every_rule_a_finding_can_name_is_in_the_reference():
    """The catalogue's rules, what an archive store reports about itself, and the rules of the
    hand-written suites: each id a finding can carry has its line in docs/rules.md."""
    text = rules_reference.markdown()
    suites = set()
    for path in SUITES_DIR.glob("*.json"):
        for item in json.loads(path.read_text(encoding="utf-8"))["expectations"]:
            suites.add((item.get("meta") or {}).get("rule"))
    ids = set(RULES) | set(STORE_RULES) | (suites - {None})
    assert {"unreferenced-actor", "row-count", "archive-unreachable"} <= ids
    assert [rule for rule in sorted(ids) if f"| `{rule}` |" not in text] == []


def test_every_rule_the_archive_reports_is_declared():
    """The archive module names its findings' rules in strings: each is a rule of the catalogue."""
    source = (REPO / "scripts" / "claims" / "archive.py").read_text(encoding="utf-8")
    named = set(re.findall(r'"(archive-[a-z-]+)"', source))
    assert "archive-unreachable" in named
    assert sorted(named - set(RULES) - set(STORE_RULES)) == []
