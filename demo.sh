#!/usr/bin/env bash
# Install planscope into ./.venv, make a demo repository in a temporary folder and run
# planscope on it: one commit inside its plan slice, one that drifts into a forbidden path.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check -e "$here"
planscope="$venv/bin/planscope"

demo=$(mktemp -d "${TMPDIR:-/tmp}/planscope-demo.XXXXXX")
cd "$demo"
git init -q -b main
git config user.name "Demo User"
git config user.email demo@example.com
mkdir -p app/models app/auth app/views plans
echo "# models" > app/models/__init__.py
echo "def login(): ..." > app/auth/login.py
echo "def home(): ..." > app/views/home.py
echo "# Changelog" > CHANGELOG.md
cat > .planscope.yaml <<'YAML'
on_drift: block        # the verification pass is not in this demo
always_allow: [CHANGELOG.md]
YAML
cat > plans/awards.yaml <<'YAML'
# yaml-language-server: $schema=../schemas/plan.schema.json
version: 1
id: awards-dashboard
title: Community awards dashboard
status: approved
summary: Members can give each other awards; a dashboard lists them.
assumptions:
  - Members are stored in app/models/member.py
forbid: [app/auth/**, "**/*.pem"]
slices:
  - id: tables
    title: New database tables
    files:
      create: [db/migrations/0042_awards.sql]
      modify: [app/models/__init__.py]
    tests:
      - path: tests/test_awards_migration.py
        covers: awards table migrates up and down
YAML
git add -A
git commit -q -m "Start" -m "Plan: none"

run() { echo "\$ $*"; set +e; "$@"; code=$?; set -e; echo "(exit $code)"; echo; }

echo "== demo repository: $demo"
echo
run "$planscope" validate --against HEAD

mkdir -p db/migrations
echo "CREATE TABLE awards (id int);" > db/migrations/0042_awards.sql
echo "from .award import Award" >> app/models/__init__.py
git add -A
git commit -q -m "Add awards table" -m "Plan: plans/awards.yaml#tables"
run "$planscope" check --commit HEAD
[ "$code" = 0 ] || { echo "demo: expected the in-scope commit to pass"; exit 1; }

echo "def home(): return 'awards'" > app/views/home.py
echo "def login(): return True" > app/auth/login.py
git add -A
run "$planscope" check --staged --plan plans/awards.yaml#tables
[ "$code" = 1 ] || { echo "demo: expected the drifted change to be blocked"; exit 1; }

run "$planscope" check --staged --plan plans/awards.yaml#tables --format json
echo "demo: done. The demo repository is $demo"
