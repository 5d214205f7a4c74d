#!/usr/bin/env bash
# Install the headless browser the browser tests drive: Debian's chromium (Playwright's own browser
# download is not used). Needs root (or sudo); does nothing when chromium is already there.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "install-browser: chromium is missing and this is not root (no sudo): ask an administrator to install the Debian package chromium; the browser tests skip without it" >&2
    exit 1
  fi
else
  SUDO=""
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null
chromium --version
