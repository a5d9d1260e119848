# Sourced by scripts/run and scripts/test: finds Python 3.10 and makes sure .venv has what the
# project's files ask for (pyproject.toml + requirements.lock). Installs only when they changed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

find_python310() {
  local candidate
  for candidate in "${PYTHON310:-}" python3.10 "$(command -v pyenv >/dev/null 2>&1 && echo "$(pyenv root)/versions/3.10"*/bin/python3.10)" /usr/bin/python3.10 /usr/local/bin/python3.10; do
    [ -n "$candidate" ] || continue
    if "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

if [ ! -x .venv/bin/python ]; then
  PY="$(find_python310)" || {
    echo "Python 3.10 is needed (Rasa 3.6): install it, e.g. 'pyenv install 3.10.13' or 'apt-get install python3.10 python3.10-venv', then run this command again." >&2
    exit 1
  }
  "$PY" -m venv .venv
fi

stamp="$(cat pyproject.toml requirements.lock | sha256sum | cut -c1-16)"
if [ "$(cat .venv/.installed 2>/dev/null || true)" != "$stamp" ]; then
  echo "Installing dependencies into .venv (first run takes a few minutes)…"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e . 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -c 'import rasa, rasa_sdk, underthesea' || { echo "Dependency installation failed; see the messages above." >&2; exit 1; }
  echo "$stamp" > .venv/.installed
fi
export PATH="$ROOT/.venv/bin:$PATH"
