#!/usr/bin/env bash
# Prints the path of the schemathesis the API fuzzing suite (test/fuzz) runs: a pinned version
# from PyPI in a virtual environment under .tools/, made once (needs python3 and its venv module).
set -euo pipefail
SCHEMATHESIS_VERSION=4.32.5
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.tools/schemathesis-$SCHEMATHESIS_VERSION"

# .complete is written last, so an interrupted install is redone rather than half-used.
if [ -f "$venv/.complete" ]; then echo "$venv/bin/schemathesis"; exit 0; fi
command -v python3 >/dev/null || { echo "[schemathesis] python3 is missing (Debian: apt-get install python3 python3-venv)" >&2; exit 1; }
echo "[schemathesis] installing schemathesis $SCHEMATHESIS_VERSION into .tools/" >&2
rm -rf "$venv"
python3 -m venv "$venv" >&2 || { echo "[schemathesis] python3 has no venv module (Debian: apt-get install python3-venv)" >&2; exit 1; }
"$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >&2
"$venv/bin/schemathesis" --version >&2
touch "$venv/.complete"
echo "$venv/bin/schemathesis"
