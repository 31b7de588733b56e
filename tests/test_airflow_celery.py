"""The same DAG on Airflow's CeleryExecutor: two Celery workers on the local Redis and PostgreSQL,
mapped fetch tasks spread over both."""
from __future__ import annotations

import secrets
import socket
from datetime import datetime, timezone

import psycopg
import pytest

from tests.airflow_client import AirflowClient
from tests.airflow_processes import airflow_processes, prepare_environment
from tests.conftest import _create_database, _drop_database
from tests.replay_expectations import linked_and_undated
from wirehouse.airflow_env import sqlalchemy_url
from wirehouse.replay import load_gold

pytestmark = pytest.mark.timeout(1500)
REDIS = ("127.0.0.1", 6379)
DAG = "news_ingest_daily"
WORKERS = ("worker-a", "worker-b")


REDIS_DB = 7


def redis_command(*commands: bytes) -> bytes:
    with socket.create_connection(REDIS, timeout=2) as sock:
        sock.sendall(b"".join(c + b"\r\n" for c in commands))
        return sock.recv(256)


def redis_reachable() -> bool:
    try:
        return redis_command(b"PING").startswith(b"+PONG")
    except OSError:
        return False


@pytest.mark.skipif(not redis_reachable(), reason=f"no Redis answers on {REDIS[0]}:{REDIS[1]} for the Celery broker")
def test_celery_workers_share_the_mapped_fetches(pg_server, replay_server, tmp_path):
    redis_command(b"SELECT %d" % REDIS_DB, b"FLUSHDB")  # no task left queued by an earlier run
    warehouse, metadata = _create_database(pg_server), _create_database(pg_server)
    try:
        env, password, port = prepare_environment("celery", warehouse, metadata, replay_server.base_url, tmp_path, {
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__CELERY__BROKER_URL": f"redis://{REDIS[0]}:{REDIS[1]}/{REDIS_DB}",
            "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + sqlalchemy_url(metadata),
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": "2",
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
            "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32),
            "AIRFLOW__CORE__HOSTNAME_CALLABLE": "tests.worker_hostname.hostname",
            "WIREHOUSE_SHARDS": "6",  # a shard per outlet: six mapped fetches for two workers to share
        })
        commands = {
            "api-server": ["api-server", "--port", str(port)],
            "scheduler": ["scheduler"],
            "dag-processor": ["dag-processor"],
            # Two workers on one machine: their own Celery names and pid files, no log servers on one port.
            **{name: ["celery", "worker", "--celery-hostname", f"{name}@%h", "--queues", "default",
                      "--pid", str(tmp_path / f"{name}.pid"), "--skip-serve-logs"] for name in WORKERS},
        }
        per_worker = {name: {"WIREHOUSE_TEST_WORKER_NAME": name} for name in WORKERS}
        with airflow_processes("celery", commands, env, per_worker):
            client = AirflowClient(f"http://127.0.0.1:{port}", "admin", password)
            client.wait_healthy(timeout=300)
            client.wait_for_dag(DAG, timeout=180)
            client.patch(f"/api/v2/dags/{DAG}", {"is_paused": False})
            run = client.post(f"/api/v2/dags/{DAG}/dagRuns", {"logical_date": "2022-11-12T00:00:00Z"})
            states = client.wait_for_runs(DAG, {run["dag_run_id"]}, 900)
            assert states == {run["dag_run_id"]: "success"}
            fetches = [t for t in client.task_instances(DAG, run["dag_run_id"]) if t["task_id"] == "per_shard.fetch"]

        assert len(fetches) == 6 and all(t["state"] == "success" for t in fetches)
        assert {t["hostname"] for t in fetches} == set(WORKERS), "mapped fetches ran on both workers"
        with psycopg.connect(warehouse) as conn:
            older = linked_and_undated(load_gold(replay_server.base_url), datetime(2022, 11, 11, tzinfo=timezone.utc))
            assert conn.execute("select count(*) from warehouse.articles").fetchone()[0] == 5 + len(older)
            assert conn.execute("select count(*) from warehouse.article_copies").fetchone()[0] == 1
    finally:
        _drop_database(pg_server, warehouse)
        _drop_database(pg_server, metadata)
