"""`claims publish`: the deployable folder, served by its own serve command on 127.0.0.1; the
hostile-request tests of tests/test_hardening.py run again against it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from claims.site import serve
from claims.site.publish import publish as write_site
from test_datasette import wait_until_up
from test_hardening import (  # noqa: F401 - collected again here, against the deployed folder
    fetch,
    test_hostile_request_gets_4xx_quickly_and_ordinary_pages_stay_fast,
    test_ordinary_queries_still_work,
    test_security_headers_on_every_kind_of_response,
)

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from conftest import archive_or_none

    folder = tmp_path_factory.mktemp("deploy") / "site"
    write_site(REPO / "data", folder, archive_or_none())
    return folder


class SiteServer:
    """The folder's own serve.sh, with the environment's datasette on PATH."""

    def __init__(self, folder: Path):
        self.port = serve.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "PORT": str(self.port),
            "HOST": "127.0.0.1",
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        }
        # serve.sh execs datasette: this process is the server
        self.process = subprocess.Popen(
            ["sh", str(folder / "serve.sh")],
            env=env,
            cwd="/",
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_until_up(self.url + "/-/versions.json", self.process)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def hardened_server(site):
    running = SiteServer(site)
    yield running
    running.stop()


def test_the_folder_holds_what_a_host_needs(site):
    names = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
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
    schema_link = site / "source" / "scripts" / "claims" / "schema"
    assert (
        schema_link.is_symlink()
        and (schema_link / "tables.py").read_text() == (REPO / "schema" / "tables.py").read_text()
    )
    assert json.loads((site / "settings.json").read_text()) == serve.SETTINGS
    assert json.loads((site / "inspect-data.json").read_text())["claims"]["file"] == "claims.db"
    requirements = (site / "requirements.txt").read_text()
    pins = [line for line in requirements.splitlines() if "==" in line]
    assert any(line.startswith("datasette==") for line in pins) and any(line.startswith("pydantic==") for line in pins)
    assert requirements.count("--hash=sha256:") >= len(pins)
    dockerfile = (site / "Dockerfile").read_text()
    assert 'CMD ["datasette", "serve", "/site"' in dockerfile and "-e /site/source" in dockerfile
    assert 'claims = "claims.site.plugin"' in (site / "source" / "pyproject.toml").read_text()


def test_no_local_path_in_the_folder(site):
    for path in (p for p in site.rglob("*") if p.is_file()):
        content = path.read_bytes()
        assert str(REPO).encode() not in content and str(site.parent).encode() not in content, path.name


def test_served_immutable_with_the_hardened_settings(hardened_server):
    _status, _headers, body, _ = fetch(hardened_server.url + "/-/settings.json")
    settings = json.loads(body)
    assert all(settings[key] == value for key, value in serve.SETTINGS.items())
    _status, _headers, body, _ = fetch(hardened_server.url + "/-/databases.json")
    assert json.loads(body)[0]["is_mutable"] is False and json.loads(body)[0]["path"] == "claims.db"
    status, _headers, body, _ = fetch(hardened_server.url + "/-/timeline")
    assert status == 200 and b"<svg" in body
