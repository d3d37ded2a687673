#!/bin/sh
# Screenshots of each role's workbench on the demo county, for docs/admin.md: runs the browser
# test with GONGKAI_BROWSER_SHOTS=docs/screenshots (1280 px wide PNGs, full page).
# Needs /usr/bin/chromium, Playwright and node_modules (npm ci). Run from anywhere.
set -eu
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"
[ -x .venv/bin/python ] && PYTHON=.venv/bin/python
GONGKAI_BROWSER_SHOTS=docs/screenshots PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}" \
    "$PYTHON" -m pytest -p no:cacheprovider -q tests/browser/test_workbench_roles.py "$@"
ls -l docs/screenshots/workbench-*.png
