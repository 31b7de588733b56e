"""Shared fixtures: a real PostgreSQL (embedded by default) and the offline replay site."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import psycopg
import pytest

from wirehouse.config import PROJECT_ROOT

# Airflow reads its home when first imported: keep the tests' Airflow away from ~/airflow.
os.environ.setdefault("AIRFLOW_HOME", str(PROJECT_ROOT / ".wirehouse" / "test-airflow"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")

from wirehouse.airflow_env import metadata_database
from wirehouse.db import embedded_url, with_database
from wirehouse.migrate import migrate


@pytest.fixture(scope="session")
def pg_server() -> str:
    """A PostgreSQL server: $WIREHOUSE_TEST_DATABASE_URL, else an embedded one under .wirehouse/test-pg."""
    url = os.environ.get("WIREHOUSE_TEST_DATABASE_URL")
    if url:
        return url
    return with_database(embedded_url(PROJECT_ROOT / ".wirehouse" / "test-pg"), "postgres")


def _create_database(server: str) -> str:
    name = f"wh_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    return with_database(server, name)


def _drop_database(server: str, url: str) -> None:
    """The test's database, and the Airflow metadata database named after it if a test made one."""
    name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    with psycopg.connect(server, autocommit=True) as conn:
        for database in (name, metadata_database(url)):
            conn.execute(f'drop database if exists "{database}" with (force)')


@pytest.fixture
def blank_db(pg_server):
    """An empty database of its own, dropped afterwards."""
    url = _create_database(pg_server)
    yield url
    _drop_database(pg_server, url)


@pytest.fixture
def warehouse_db(blank_db, monkeypatch):
    """A migrated database that wirehouse code under test uses via WIREHOUSE_DATABASE_URL."""
    with psycopg.connect(blank_db, autocommit=True) as conn:
        migrate(conn)
    monkeypatch.setenv("WIREHOUSE_DATABASE_URL", blank_db)
    return blank_db


@pytest.fixture
def unused_port() -> int:
    """A local port that nothing listens on."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def replay_server():
    from wirehouse.replay import ReplayServer

    with ReplayServer(port=0) as server:
        yield server


@pytest.fixture
def replay_sources(replay_server, monkeypatch) -> Path:
    monkeypatch.setenv("WIREHOUSE_REPLAY_URL", replay_server.base_url)
    monkeypatch.setenv("WIREHOUSE_SOURCES", str(PROJECT_ROOT / "seeds" / "replay.yaml"))
    return PROJECT_ROOT / "seeds" / "replay.yaml"
