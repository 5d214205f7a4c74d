"""The scripts, styles and fonts the Great Expectations Data Docs need, vendored from the npm
registry, so that `claims docs` writes pages that load nothing from third parties.

GX's page templates load Bootstrap, jQuery, bootstrap-table, Vega and Font Awesome from public
CDNs. `make setup` runs `python -m claims.vendor`, which downloads each package's exact tarball
from the npm registry, checks it against the sha512 recorded here (npm's `dist.integrity`), and
unpacks the files the pages use into the environment (VENDOR_DIR). `localise()` copies them
beside the rendered pages and points every CDN address at the local copy; a page that still
loads anything from elsewhere is an error, so a GX upgrade that adds an asset fails loudly.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import shutil
import sys
import tarfile
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

VENDOR_DIR = Path(sys.prefix) / "share" / "claims-vendor"
REGISTRY = "https://registry.npmjs.org"
SITE_FOLDER = "vendor"  # inside the rendered Data Docs


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    integrity: str  # npm's dist.integrity of the tarball
    urls: dict[str, str]  # CDN address in GX's templates -> file in the tarball (under package/)
    extra: tuple[str, ...] = field(default=())  # further files the listed ones load (fonts)

    @property
    def tarball(self) -> str:
        return f"{REGISTRY}/{self.name}/-/{self.name.split('/')[-1]}-{self.version}.tgz"

    @property
    def folder(self) -> str:
        return f"{self.name.split('/')[-1]}-{self.version}"


PACKAGES = (
    Package(
        "jquery",
        "3.7.1",
        "sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg==",
        {"https://code.jquery.com/jquery-3.7.1.min.js": "dist/jquery.min.js"},
    ),
    Package(
        "popper.js",
        "1.12.9",
        "sha512-s0EEi9xiSCdqz9lV4IiVH5yIZnDX/U1t0tCjB+0jXx9jW8lrR7kOpVupiUg175ogqVoudpDXHF1p6dKATCHMeg==",
        {"https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "dist/umd/popper.min.js"},
    ),
    Package(
        "bootstrap",
        "4.3.1",
        "sha512-rXqOmH1VilAt2DyPzluTi2blhk17bO7ef+zLLPlWvG494pDxcM234pJ8wTc/6R40UWizAIIMgxjvxZg5kmsbag==",
        {
            "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "dist/js/bootstrap.min.js",
            "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "dist/css/bootstrap.min.css",
        },
    ),
    Package(
        "bootstrap-table",
        "1.19.1",
        "sha512-WvV+l1AI/C+zThaKmfHmi/IuayVNB0qdFyEhFx1jyZhO0oLtNJNANkCR3rvJf6Dkh72dsLElxpE/bzK9seEQLA==",
        {
            "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "dist/bootstrap-table.min.js",
            "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "dist/bootstrap-table.min.css",
            "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js": "dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
            # GX asks for 1.19.0's stylesheet of the same extension: 1.19.1's serves
            "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css": "dist/extensions/filter-control/bootstrap-table-filter-control.css",
            "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css": "dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
        },
    ),
    Package(
        "bootstrap-datepicker",
        "1.9.0",
        "sha512-9rYYbaVOheGYxjOr/+bJCmRPihfy+LkLSg4fIFMT9Od8WwWB/MB50w0JO1eBgKUMbb7PFHQD5uAfI3ArAxZRXA==",
        {
            "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": "dist/js/bootstrap-datepicker.min.js",
            "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": "dist/css/bootstrap-datepicker.min.css",
        },
    ),
    Package(
        "@forevolve/bootstrap-dark",
        "1.1.0",
        "sha512-A3ucpEpxPoTVO490lZZCfjPXxv832l7mm1IxX3bXyxvgwnPGXDLyh7dWrphXKO8YBAu3EswbBEu3VSW8NRMW3A==",
        {
            "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css": "dist/css/bootstrap-prefers-dark.css"
        },
    ),
    Package(
        "@fortawesome/fontawesome-free",
        "6.6.0",
        "sha512-60G28ke/sXdtS9KZCpZSHHkCbdsOGEhIUGlwq6yhY74UpTiToIh8np7A8yphhM4BWsvNFtIvLpi4co+h9Mr9Ow==",
        {"https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "css/all.min.css"},
        extra=tuple(
            f"webfonts/fa-{face}.{kind}"
            for face in ("brands-400", "regular-400", "solid-900", "v4compatibility")
            for kind in ("woff2", "ttf")
        ),
    ),
    # GX asks for the newest major version (vega@5, …): these are the versions pinned here
    Package(
        "vega",
        "5.33.1",
        "sha512-1fArfVDUqVbb5z8n+/nVQb+VNBzx8svY6CrsyTK4Ujm4yrd9I1auoKxBAPXLCavY1LcrbHUskQbGUP8gXOzyQw==",
        {"https://cdn.jsdelivr.net/npm/vega@5": "build/vega.min.js"},
    ),
    Package(
        "vega-lite",
        "5.23.0",
        "sha512-l4J6+AWE3DIjvovEoHl2LdtCUkfm4zs8Xxx7INwZEAv+XVb6kR6vIN1gt3t2gN2gs/y4DYTs/RPoTeYAuEg6mA==",
        {"https://cdn.jsdelivr.net/npm/vega-lite@5": "build/vega-lite.min.js"},
    ),
    Package(
        "vega-embed",
        "6.29.0",
        "sha512-PmlshTLtLFLgWtF/b23T1OwX53AugJ9RZ3qPE2c01VFAbgt3/GSNI/etzA/GzdrkceXFma+FDHNXUppKuM0U6Q==",
        {"https://cdn.jsdelivr.net/npm/vega-embed@6": "build/vega-embed.min.js"},
    ),
)

# What GX puts in a page that is not an asset: its logo, fetched with the data context's ID in the
# query string (dropped), and links a reader may follow (left alone: they load nothing).
REMOTE_LOGO = re.compile(r'<img[^>]*src="https://great-expectations-web-assets[^"]*"[^>]*>')
REMOTE_BACKGROUND = re.compile(r"url\(['\"]?https://great-expectations-web-assets[^)]*\)")
EXTERNAL_LOAD = re.compile(
    r'<(?:script|img|iframe)[^>]*\bsrc="((?:https?:)?//[^"]+)"|<link[^>]*\bhref="((?:https?:)?//[^"]+)"[^>]*>|url\([\'"]?((?:https?:)?//[^)\'"]+)'
)


# GX pins some CDN files by Subresource Integrity (with crossorigin, which a page opened from disk
# cannot satisfy): the local copy is checked against that hash here, and the attributes dropped.
SUBRESOURCE_INTEGRITY = re.compile(
    r'(src|href)="((?:\.\./)*vendor/[^"]+)" integrity="(sha384-[^"]+)" crossorigin="anonymous"'
)


def _checked_local(tag: re.Match, local: Path) -> str:
    attribute, path, expected = tag.groups()
    data = (local / path.split("vendor/", 1)[1]).read_bytes()
    actual = "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()
    if actual != expected:
        raise RuntimeError(
            f"vendored {path} is not the file GX pins ({expected}): check the version in claims/vendor.py"
        )
    return f'{attribute}="{path}"'


class VendorMissing(Exception):
    """The vendored files are not installed; the message says how to install them."""


def integrity_of(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def install(target: Path = VENDOR_DIR) -> list[Path]:
    """Download, check and unpack every package's files into `target` (skipping packages already
    unpacked there). Returns the files written."""
    written = []
    for package in PACKAGES:
        folder = target / package.folder
        wanted = [*package.urls.values(), *package.extra]
        if all((folder / name).is_file() for name in wanted):
            continue
        with urllib.request.urlopen(package.tarball, timeout=120) as response:
            data = response.read()
        if integrity_of(data) != package.integrity:
            raise RuntimeError(
                f"{package.tarball}: checksum {integrity_of(data)} is not the recorded {package.integrity}"
            )
        partial = folder.with_name(folder.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for name in wanted:
                member = archive.extractfile(f"package/{name}")
                if member is None:
                    raise RuntimeError(f"{package.tarball} has no package/{name}")
                (partial / name).parent.mkdir(parents=True, exist_ok=True)
                (partial / name).write_bytes(member.read())
                written.append(folder / name)
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(partial, folder)
    return written


def localise(site: Path, source: Path = VENDOR_DIR) -> None:
    """Copy the vendored files into `site`/vendor/ and point every page of `site` at them; drop
    GX's remote logo. Raises if a page still loads something from elsewhere."""
    if not all((source / p.folder / name).is_file() for p in PACKAGES for name in p.urls.values()):
        raise VendorMissing(
            f"the Data Docs' scripts and styles are not installed in {source}: run `make setup` (or `{sys.executable} -m claims.vendor`)"
        )
    local = site / SITE_FOLDER
    shutil.rmtree(local, ignore_errors=True)
    for package in PACKAGES:
        shutil.copytree(source / package.folder, local / package.folder)
    addresses = {url: f"{SITE_FOLDER}/{p.folder}/{name}" for p in PACKAGES for url, name in p.urls.items()}
    for page in site.rglob("*.html"):
        up = "../" * (len(page.relative_to(site).parts) - 1)
        html = REMOTE_BACKGROUND.sub("none", REMOTE_LOGO.sub("", page.read_text(encoding="utf-8")))
        for url, path in addresses.items():
            html = html.replace(f'"{url}"', f'"{up}{path}"')
        html = SUBRESOURCE_INTEGRITY.sub(lambda tag: _checked_local(tag, local), html)
        remote = ["".join(groups) for groups in EXTERNAL_LOAD.findall(html)]
        if remote:
            raise RuntimeError(f"{page.relative_to(site)} still loads {remote[0]}: add its package to claims/vendor.py")
        page.write_text(html, encoding="utf-8")


if __name__ == "__main__":
    for path in install():
        print(f"vendored {path}")
