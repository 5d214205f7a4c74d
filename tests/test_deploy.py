"""`claims publish`: the deployable folder, served by its own serve command on 127.0.0.1 (the
hostile-request tests of tests/test_hardening.py run against it too, through their `any_server`)."""

import json
from pathlib import Path

import pytest

from claims.site import serve
from helpers import fetch

pytestmark = pytest.mark.server

REPO = Path(__file__).resolve().parents[1]


def test_the_folder_holds_what_a_host_needs(deployed_site):
    names = {p.relative_to(deployed_site).as_posix() for p in deployed_site.rglob("*") if p.is_file()}
    assert {
        "claims.db",
        "inspect-data.json",
        "metadata.json",
        "settings.json",
        "templates/claims_chart.html",
        "requirements.txt",
        "Dockerfile",
        "serve.sh",
    } <= names
    # the plugin reads these at run time from beside the package
    assert {
        "source/pyproject.toml",
        "source/scripts/claims/site/plugin.py",
        "source/scripts/claims/site/hardening.py",
        "source/scripts/claims/site/static/claims.css",
    } <= names
    assert any(name.startswith("source/scripts/claims/queries/canned/") for name in names) and not any(
        name.startswith("source/tests/") for name in names
    )
    # the package reaches the schema through its committed link, copied as a link
    schema_link = deployed_site / "source" / "scripts" / "claims" / "schema"
    assert (
        schema_link.is_symlink()
        and (schema_link / "tables.py").read_text() == (REPO / "schema" / "tables.py").read_text()
    )
    assert json.loads((deployed_site / "settings.json").read_text()) == serve.SETTINGS
    assert json.loads((deployed_site / "inspect-data.json").read_text())["claims"]["file"] == "claims.db"
    requirements = (deployed_site / "requirements.txt").read_text()
    pins = [line for line in requirements.splitlines() if "==" in line]
    assert any(line.startswith("datasette==") for line in pins) and any(line.startswith("pydantic==") for line in pins)
    assert requirements.count("--hash=sha256:") >= len(pins)
    dockerfile = (deployed_site / "Dockerfile").read_text()
    assert 'CMD ["datasette", "serve", "/site"' in dockerfile and "-e /site/source" in dockerfile
    assert 'claims = "claims.site.plugin"' in (deployed_site / "source" / "pyproject.toml").read_text()


def test_no_local_path_in_the_folder(deployed_site):
    for path in (p for p in deployed_site.rglob("*") if p.is_file()):
        content = path.read_bytes()
        assert str(REPO).encode() not in content and str(deployed_site.parent).encode() not in content, path.name


def test_served_immutable_with_the_hardened_settings(deployed_server):
    _status, _headers, body, _ = fetch(deployed_server.url + "/-/settings.json")
    settings = json.loads(body)
    assert all(settings[key] == value for key, value in serve.SETTINGS.items())
    _status, _headers, body, _ = fetch(deployed_server.url + "/-/databases.json")
    assert json.loads(body)[0]["is_mutable"] is False and json.loads(body)[0]["path"] == "claims.db"
    status, _headers, body, _ = fetch(deployed_server.url + "/-/timeline")
    assert status == 200 and b"<svg" in body
