#!/usr/bin/env bash
# Installs Autobahn|Testsuite (`wstest`) into a Python 2.7 virtualenv, once; later runs only check it.
#
# Where: $AUTOBAHN_VENV, default ~/.cache/websocket-rs/autobahn-venv. It lives outside the repository on purpose:
# a virtualenv holds .js/.json/.html files that `eslint .` and `prettier --check .` would otherwise walk into.
# Needs: Python 2.7 (wstest 0.8.2 runs on nothing newer): $PYTHON27, else pyenv's 2.7.18, else python2.7 on PATH.
# Prints the path of the wstest executable as its last line.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
venv="${AUTOBAHN_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/websocket-rs/autobahn-venv}"
requirements="$here/requirements.txt"
stamp="$venv/.websocket-rs-requirements"

# Up to date when the venv was made from this very requirements file and wstest starts.
if [[ -x "$venv/bin/wstest" && -f "$stamp" ]] && cmp -s "$stamp" "$requirements" \
  && "$venv/bin/python" -c 'import autobahntestsuite' 2>/dev/null; then
  echo "$venv/bin/wstest"
  exit 0
fi

find_python27() {
  if [[ -n "${PYTHON27:-}" ]]; then echo "$PYTHON27"; return; fi
  local root
  if command -v pyenv >/dev/null 2>&1; then
    root="$(pyenv root)"
  else
    root="${PYENV_ROOT:-$HOME/.pyenv}"
  fi
  if [[ -x "$root/versions/2.7.18/bin/python" ]]; then echo "$root/versions/2.7.18/bin/python"; return; fi
  if command -v python2.7 >/dev/null 2>&1; then command -v python2.7; return; fi
  return 1
}

if ! python27="$(find_python27)"; then
  echo "autobahn/setup.sh: Python 2.7 not found. Install it (e.g. 'pyenv install 2.7.18') or set PYTHON27." >&2
  exit 1
fi
echo "autobahn/setup.sh: making $venv with $python27 ($("$python27" --version 2>&1))" >&2

# virtualenv 20.22 dropped Python 2 as a target, so bootstrap an older one into a scratch directory.
rm -rf "$venv" "$venv.bootstrap"
mkdir -p "$(dirname "$venv")"
"$python27" -m pip install --quiet --disable-pip-version-check --target "$venv.bootstrap" 'virtualenv<20.22' >&2
PYTHONPATH="$venv.bootstrap" "$python27" -m virtualenv --quiet "$venv" >&2
rm -rf "$venv.bootstrap"

export PYTHONWARNINGS=ignore
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-python-version-warning \
  -r "$requirements" >&2
"$venv/bin/python" -c 'import autobahntestsuite' >&2
cp "$requirements" "$stamp"
echo "$venv/bin/wstest"
