"""`claims publish`: a folder a hosting service can serve as it is.

The folder is a Datasette configuration directory (https://docs.datasette.io/en/0.65.x/settings.html#configuration-directory-mode):

    claims.db            the database, served immutable (inspect-data.json names it)
    inspect-data.json    table counts measured at build time, no local path in it
    metadata.json        titles, descriptions, licence, canned queries (scripts/claims/site/metadata.json)
    settings.json        the public read-only settings of claims.site.serve.SETTINGS
    templates/           the chart page template
    source/              the project's tracked files (not tests/, docs/, CI), installed editable:
                         the plugin (charts, cards, hardening) reads the package's site/ and
                         queries/ folders and the project's data at run time
    requirements.txt     what the plugin needs, pinned with hashes (a subset of requirements.lock)
    Dockerfile           installs those and serves the folder on port 8001
    serve.sh             the same serve command without a container ($HOST, $PORT)

`datasette serve FOLDER` is the whole serve command: the same hardened settings as `claims serve`.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from claims import project
from claims.archive import Location
from claims.build.outputs import build_outputs
from claims.build.tables import TableSource
from claims.project import SITE_DIR
from claims.site.serve import SETTINGS

# What the served folder needs installed: Datasette, and what the plugin's imports reach.
SERVING_NEEDS = ("datasette", "pydantic")
PORT = 8001

DOCKERFILE = f"""\
# The claims dataset, served read-only by Datasette with the project's plugin and hardening.
# Build: docker build -t claims-site .   Run: docker run -p {PORT}:{PORT} claims-site
FROM python:3.11-slim
WORKDIR /site
COPY requirements.txt /tmp/requirements.txt
RUN pip install --no-cache-dir --require-hashes -r /tmp/requirements.txt
COPY . /site
ENV CLAIMS_PROJECT=/site/source
RUN pip install --no-cache-dir --no-deps --no-build-isolation -e /site/source
USER nobody
EXPOSE {PORT}
CMD ["datasette", "serve", "/site", "--host", "0.0.0.0", "--port", "{PORT}"]
"""

SERVE_SH = f"""\
#!/bin/sh
# Serve this folder with Datasette (pip install --require-hashes -r requirements.txt, then
# pip install --no-deps --no-build-isolation -e source/).
CLAIMS_PROJECT="$(cd "$(dirname "$0")/source" && pwd)" exec datasette serve "$(dirname "$0")" --host "${{HOST:-127.0.0.1}}" --port "${{PORT:-{PORT}}}"
"""


def closure(names: tuple[str, ...]) -> set[str]:
    """The installed distributions `names` need, transitively (markers evaluated here)."""
    seen: set[str] = set()
    todo: list[str] = [canonicalize_name(n) for n in names]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for line in metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(canonicalize_name(requirement.name))
    return seen


def pinned_requirements(names: set[str], lock: Path | None = None) -> str:
    """The blocks of requirements.lock (pins with hashes, default: the project's) for the distributions in `names`."""
    lock = lock or project.current().requirements_lock
    blocks = re.split(r"\n(?=[A-Za-z0-9])", lock.read_text(encoding="utf-8"))
    kept = [
        block.strip()
        for block in blocks
        if (match := re.match(r"([A-Za-z0-9._-]+)==", block)) and canonicalize_name(match.group(1)) in names
    ]
    missing = names - {canonicalize_name(b.split("==", 1)[0]) for b in kept}
    if missing:
        raise RuntimeError(f"{lock.name} pins no version of {', '.join(sorted(missing))}: run `make lock`")
    return "\n".join(kept) + "\n"


# Tracked files a server does not need.
NOT_SERVED = ("tests/", "docs/", ".github/", ".ci/")


def copy_source(folder: Path) -> None:
    """The repository's tracked files, less NOT_SERVED, into `folder`."""
    root = project.current().root
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, text=True)
    if listed.returncode != 0:
        raise RuntimeError(f"git ls-files failed in {root}: {listed.stderr.strip()}")
    for name in filter(None, listed.stdout.split("\0")):
        source = root / name
        if name.startswith(NOT_SERVED) or not (source.is_file() or source.is_symlink()):
            continue
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        # scripts/claims/schema is a committed link to schema/: copied as the link it is
        shutil.copy2(source, folder / name, follow_symlinks=False)


def publish(
    data_dir: Path, out_dir: Path, archive_dir: Location | None = None, tables: TableSource | None = None
) -> list[Path]:
    """Write the deployable folder `out_dir` (replaced whole); return its files. The database is
    written from `tables` (`claims publish` hands over its validation run, kept with its cells, so
    the data is read once; default: the CSVs in `data_dir` and the texts in `archive_dir`, read here)."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        with tempfile.TemporaryDirectory() as scratch:
            build_outputs(data_dir, Path(scratch), archive_dir, tables=tables)
            shutil.copy2(Path(scratch) / "claims.db", staging / "claims.db")
            shutil.copy2(Path(scratch) / "counts.json", staging / "inspect-data.json")
        shutil.copy2(SITE_DIR / "metadata.json", staging / "metadata.json")
        shutil.copytree(SITE_DIR / "templates", staging / "templates")
        (staging / "settings.json").write_text(json.dumps(SETTINGS, indent=2) + "\n", encoding="utf-8")
        (staging / "requirements.txt").write_text(pinned_requirements(closure(SERVING_NEEDS)), encoding="utf-8")
        copy_source(staging / "source")
        (staging / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
        (staging / "serve.sh").write_text(SERVE_SH, encoding="utf-8")
        (staging / "serve.sh").chmod(0o755)
        staging.chmod(0o755)
        old = out_dir.with_name(f".{out_dir.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if out_dir.exists():
            out_dir.rename(old)
        staging.rename(out_dir)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(p for p in out_dir.rglob("*") if p.is_file())
