#!/usr/bin/env bash
# Runs once, when the postgres service initialises an empty data volume
# (docker-entrypoint-initdb.d). Creates the two databases of the stack on the one server:
#   $AIRFLOW_DB    Airflow's metadata (and the Celery result backend)
#   $WIREHOUSE_DB  the warehouse (raw.*, stage.*, warehouse.*, ops.*), migrated by airflow-init
# Both belong to $POSTGRES_USER. Names and credentials come from the environment only.
set -eo pipefail  # no -u: the postgres entrypoint sources non-executable scripts

: "${AIRFLOW_DB:?AIRFLOW_DB is not set}"
: "${WIREHOUSE_DB:?WIREHOUSE_DB is not set}"

for db in "$AIRFLOW_DB" "$WIREHOUSE_DB"; do
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres --set db="$db" <<'SQL'
select format('create database %I owner %I', :'db', current_user)
where not exists (select from pg_database where datname = :'db')
\gexec
SQL
done
