#!/usr/bin/env bash
# Installs the system packages the test suite needs, only when they are missing (CI calls this
# before scripts/test; the browser tests also call it when Chromium is missing):
#   chromium          Debian's Chromium, driven by Playwright for the workspace's browser tests
#                     (never `playwright install`: no browser download)
#   fonts-noto-core   Vietnamese glyphs for the screenshots
#   poppler-utils     pdftoppm/pdftotext, to render and read the filled forms' PDFs in tests
#   redis-server      the Redis the tests use, when none is installed
#   docker-compose    Debian's docker-compose 1.29.2 (bookworm: 1.29.2-3): tests/test_deploy.py validates
#                     deploy/compose.yaml with it and with the compose-spec JSON schema it ships
#                     (/usr/lib/python3/dist-packages/compose/config/compose_spec.json); no Docker daemon needed
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -f /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf ] || missing+=(fonts-noto-core)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
[ -f /usr/lib/python3/dist-packages/compose/config/compose_spec.json ] || missing+=(docker-compose=1.29.2-3)
if ! command -v redis-server >/dev/null 2>&1 && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  missing+=(redis-server)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${missing[*]} (run as root: apt-get install -y ${missing[*]})" >&2
  exit 1
fi
echo "Installing system packages for the tests: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
