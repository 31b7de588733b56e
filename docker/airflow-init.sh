#!/usr/bin/env bash
# airflow-init: everything the long-running services need before they start.
# Idempotent: `docker compose up` runs it every time and it only does what is missing.
#   1. Airflow's metadata database: `airflow db migrate`.
#   2. The admin user. The installed auth manager is Airflow's SimpleAuthManager (no FAB
#      provider in uv.lock): users are [core] simple_auth_manager_users, passwords live in
#      [core] simple_auth_manager_passwords_file, a JSON file on the airflow-auth volume that
#      only this service and airflow-apiserver mount. It is rewritten from the environment
#      on every start, so changing AIRFLOW_ADMIN_PASSWORD in .env and re-running
#      `docker compose up -d` changes the password.
#   3. The warehouse schema: `wirehouse migrate` (the DAG's `prepare` task does it too;
#      doing it here makes the warehouse queryable before the first run).
set -euo pipefail

: "${AIRFLOW_ADMIN_USERNAME:?AIRFLOW_ADMIN_USERNAME is not set}"
: "${AIRFLOW_ADMIN_PASSWORD:?AIRFLOW_ADMIN_PASSWORD is not set}"
: "${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE:?AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE is not set}"
: "${WIREHOUSE_DATABASE_URL:?WIREHOUSE_DATABASE_URL is not set}"

echo "airflow-init: migrating Airflow's metadata database"
airflow db migrate

echo "airflow-init: admin user '${AIRFLOW_ADMIN_USERNAME}' for the simple auth manager"
python - <<'PY'
import json
import os
from pathlib import Path

path = Path(os.environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"])
path.parent.mkdir(parents=True, exist_ok=True)
try:
    passwords = json.loads(path.read_text() or "{}")
except FileNotFoundError:
    passwords = {}
passwords[os.environ["AIRFLOW_ADMIN_USERNAME"]] = os.environ["AIRFLOW_ADMIN_PASSWORD"]
tmp = path.with_suffix(".tmp")
tmp.write_text(json.dumps(passwords) + "\n")
tmp.chmod(0o600)
tmp.replace(path)
PY

echo "airflow-init: migrating the warehouse"
wirehouse migrate

echo "airflow-init: done"
