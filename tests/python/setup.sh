#!/usr/bin/env bash
# Creates the integration tests' Python venv and installs tests/python/requirements.txt into it.
#
#   tests/python/setup.sh            # venv at ${LOGSCHEMA_TEST_VENV:-<repo>/target/test-python}
#
# Idempotent: a stamp file in the venv holds the hash of requirements.txt and the python used, so a
# second run with nothing changed returns at once. Prints the venv's python path on success.
# Needs network access to PyPI the first time only.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${LOGSCHEMA_TEST_VENV:-$repo/target/test-python}"
requirements="$here/requirements.txt"
stamp="$venv/.logschema-requirements.sha256"
python="${PYTHON:-python3}"

command -v "$python" >/dev/null || { echo "setup.sh: $python not found (set PYTHON to a Python 3.9+)" >&2; exit 1; }
# Parallel test binaries (and people) may run this at once: one installs, the others wait and
# then find the stamp.
mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9

wanted="$(sha256sum < "$requirements" | cut -d' ' -f1) $("$python" -c 'import sys; print(sys.version.split()[0])')"

if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
    echo "$venv/bin/python"
    exit 0
fi

echo "setup.sh: installing $requirements into $venv" >&2
rm -f "$stamp"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --requirement "$requirements" >&2
# Check the tools import before stamping, so a half-installed venv is retried next time.
"$venv/bin/python" -c 'import duckdb, boto3, moto.server' >&2
test -x "$venv/bin/moto_server"
echo "$wanted" > "$stamp"
echo "$venv/bin/python"
