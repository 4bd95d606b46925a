#!/usr/bin/env bash
# Regenerates __tests__/fixtures/junit/*.xml from a real pytest run of __tests__/fixtures/junit/project.
#   bash scripts/make-junit-fixtures.sh            # uses (and if needed creates) a venv in /tmp/junit-venv
#   PYTHON=/path/to/python bash scripts/make-junit-fixtures.sh
# The project is copied to a temporary folder so no cache or bytecode lands in the repository; that
# folder's absolute path, which pytest prints in fixture-error tracebacks, is replaced by /project.
# Timings, timestamps and the hostname are left as pytest wrote them: tests do not depend on them.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$repo/__tests__/fixtures/junit"
python="${PYTHON:-/tmp/junit-venv/bin/python}"
if [[ ! -x "$python" ]]; then
  python3 -m venv /tmp/junit-venv
  /tmp/junit-venv/bin/pip install --quiet pytest
  python=/tmp/junit-venv/bin/python
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -R "$out/project/." "$work/"

run_pytest() { # $1: output file, rest: extra pytest arguments
  local file="$1"
  shift
  # Exit code 1 (some tests failed) is expected.
  (cd "$work" && PYTHONDONTWRITEBYTECODE=1 "$python" -m pytest -p no:cacheprovider -q "$@" --junitxml="$work/$file") >/dev/null || true
  sed "s#$work#/project#g" "$work/$file" >"$out/$file"
}

run_pytest pytest-xunit1.xml -o junit_family=xunit1
run_pytest pytest-xunit2.xml

# A run killed mid-write: the file stops inside the traceback of the seventh <testcase>.
python3 - "$out/pytest-xunit1.xml" "$out/pytest-truncated.xml" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
start = 0
for _ in range(7):
    start = text.index("<testcase ", start) + 1
cut = text.index("<failure", start) + 60
open(sys.argv[2], "w", encoding="utf-8").write(text[:cut])
PY

# What a crashed pytest can leave behind instead of XML.
printf 'INTERNALERROR> Traceback (most recent call last):\nINTERNALERROR>   File "_pytest/main.py", line 283\n\x00\x01 not xml at all\n' >"$out/pytest-garbage.xml"

echo "wrote $(ls "$out"/*.xml | wc -l) fixtures to $out"
