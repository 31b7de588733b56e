"""End to end with a real Airflow (`airflow standalone`): REST API, a triggered run, a three-day
backfill, the asset-triggered downstream DAG, and a rerun that changes nothing."""
from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

import psycopg
import pytest

from tests.airflow_client import AirflowClient
from tests.airflow_processes import ARTIFACTS, airflow_processes, prepare_environment
from tests.conftest import _create_database, _drop_database
from tests.contract import snapshot
from tests.replay_expectations import linked_and_undated
from wirehouse.replay import load_gold

pytestmark = pytest.mark.timeout(1800)
DAG = "news_ingest_daily"  # the replay's outlets have cadence: daily


@pytest.fixture(scope="module")
def standalone(pg_server, replay_server, tmp_path_factory):
    warehouse, metadata = _create_database(pg_server), _create_database(pg_server)
    env, password, port = prepare_environment(
        "standalone", warehouse, metadata, replay_server.base_url, tmp_path_factory.mktemp("standalone"))
    try:
        with airflow_processes("standalone", {"standalone": ["standalone"]}, env):
            client = AirflowClient(f"http://127.0.0.1:{port}", "admin", password)
            client.wait_healthy(timeout=300)
            client.wait_for_dag(DAG, timeout=180)
            yield client, warehouse
    finally:
        _drop_database(pg_server, warehouse)
        _drop_database(pg_server, metadata)


def wait_for_summary(client: AirflowClient, warehouse: str, articles: int, timeout: float) -> int:
    """The articles warehouse.daily_source_summary counts once the downstream DAG's runs have caught up with the
    loads. The scheduler creates an asset-triggered run a little after the event that triggers it, so the run for
    the last load may not be listed yet when the first ones finish: wait for the runs listed, then look again."""
    deadline = time.monotonic() + timeout
    summarised = 0
    while time.monotonic() < deadline:
        summary_runs = {r["dag_run_id"] for r in client.runs("warehouse_daily_summary")}
        if summary_runs:
            states = client.wait_for_runs("warehouse_daily_summary", summary_runs, max(deadline - time.monotonic(), 1))
            assert set(states.values()) == {"success"}, states
            with psycopg.connect(warehouse) as conn:
                summarised = conn.execute(
                    "select coalesce(sum(articles), 0) from warehouse.daily_source_summary").fetchone()[0]
            if summarised == articles:
                break
        time.sleep(5)
    return summarised


def day(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def wait_for_backfill_runs(client: AirflowClient, count: int, timeout: float = 120) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = [r for r in client.runs(DAG) if r["run_type"] == "backfill"]
        if len(runs) == count:
            return runs
        time.sleep(2)
    raise TimeoutError("the backfill did not create its runs")


def wait_for_backfill_completion(client: AirflowClient, backfill_id: int, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.get(f"/api/v2/backfills/{backfill_id}")["completed_at"]:
            return
        time.sleep(3)
    raise TimeoutError(f"backfill {backfill_id} not marked complete after {timeout} s")


def test_trigger_backfill_and_rerun_through_a_real_airflow(standalone, replay_server):
    client, warehouse = standalone
    client.patch("/api/v2/dags/warehouse_daily_summary", {"is_paused": False})
    client.patch(f"/api/v2/dags/{DAG}", {"is_paused": False})

    triggered = client.post(f"/api/v2/dags/{DAG}/dagRuns", {"logical_date": "2022-11-12T00:00:00Z"})
    assert (triggered["data_interval_start"], triggered["data_interval_end"]) == (
        "2022-11-11T00:00:00Z", "2022-11-12T00:00:00Z")
    first_backfill = client.post("/api/v2/backfills", {"dag_id": DAG, "from_date": "2022-11-08T00:00:00Z",
                                                       "to_date": "2022-11-10T00:00:00Z", "max_active_runs": 2,
                                                       "reprocess_behavior": "none"})
    backfill = wait_for_backfill_runs(client, 3)
    states = client.wait_for_runs(DAG, {triggered["dag_run_id"], *(r["dag_run_id"] for r in backfill)}, 1200)
    assert set(states.values()) == {"success"}, states

    covered = {(day(r["data_interval_start"]), day(r["data_interval_end"])) for r in [triggered, *backfill]}
    assert {start.day for start, _ in covered} == {8, 9, 10, 11}
    gold = load_gold(replay_server.base_url)
    expected = {g["canonical_url"] for g in gold if g["kind"] in ("article", "out_of_window")
                and any(start <= day(g["published"]) < end for start, end in covered)}
    expected |= linked_and_undated(gold, min(start for start, _ in covered))
    with psycopg.connect(warehouse) as conn:
        loaded = {r[0] for r in conn.execute("select canonical_url from warehouse.articles")}
        copies = conn.execute("select count(*) from warehouse.article_copies").fetchone()[0]
        undecided = conn.execute("select coalesce(sum(undecided), 0) from ops.run_accounting").fetchone()[0]
    assert loaded == expected and len(expected) > 5
    assert copies == 1 and undecided == 0

    events = client.get("/api/v2/assets/events?limit=100")["asset_events"]
    assert any(e["extra"].get("new", 0) > 0 for e in events if e["source_dag_id"] == DAG)
    # the loads' asset events trigger the downstream DAG, whose last run counts every article
    assert wait_for_summary(client, warehouse, len(expected), 300) == len(expected)

    before = snapshot(warehouse)
    # Logical dates are unique per DAG; a manual run ingests the last whole interval before its date.
    again = client.post(f"/api/v2/dags/{DAG}/dagRuns", {"logical_date": "2022-11-12T00:30:00Z"})
    assert again["data_interval_start"] == triggered["data_interval_start"]
    assert client.wait_for_runs(DAG, {again["dag_run_id"]}, 600) == {again["dag_run_id"]: "success"}
    assert snapshot(warehouse) == before

    # Rerunning the backfill over completed runs changes nothing either. Airflow allows one running
    # backfill per DAG, and marks one complete a little after its last run ends.
    wait_for_backfill_completion(client, first_backfill["id"])
    first_tries = {r["dag_run_id"]: r["end_date"] for r in backfill}
    client.post("/api/v2/backfills", {"dag_id": DAG, "from_date": "2022-11-08T00:00:00Z",
                                      "to_date": "2022-11-10T00:00:00Z", "max_active_runs": 2,
                                      "reprocess_behavior": "completed"})
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        rerun = {r["dag_run_id"]: r for r in client.runs(DAG) if r["dag_run_id"] in first_tries}
        if all(r["state"] == "success" and r["end_date"] != first_tries[i] for i, r in rerun.items()):
            break
        time.sleep(3)
    else:
        raise TimeoutError(f"the reprocessing backfill did not finish: {rerun}")
    assert snapshot(warehouse) == before


CHROMIUM = "/usr/bin/chromium"


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (make test installs it)")
def test_ui_login_and_grid_view_in_a_real_browser(standalone):
    from playwright.sync_api import sync_playwright

    client, _ = standalone
    shots = ARTIFACTS / "ui"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{client.base_url}/dags/{DAG}")
        page.wait_for_url("**/login**", timeout=60_000)
        page.fill("input[name=username]", client.username)
        page.fill("input[name=password]", client.password)
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/dags/**", timeout=60_000)
        page.goto(f"{client.base_url}/dags/{DAG}")  # the DAG page opens on its grid view
        page.wait_for_load_state("networkidle", timeout=60_000)
        page.wait_for_timeout(3000)  # let the grid draw its runs
        page.screenshot(path=str(shots / "grid.png"), full_page=True)
        text = page.inner_text("body")
        browser.close()
    assert DAG in text and "prepare" in text, f"the grid shows the DAG and its tasks; the page said: {text[:500]}"
    assert (shots / "grid.png").stat().st_size > 10_000


def test_the_api_and_the_ui_require_login(standalone):
    """No token, a wrong password: the REST API answers 401 and gives no data."""
    client, _ = standalone
    with pytest.raises(AssertionError, match="HTTP 401"):
        client._call("GET", "/api/v2/dags", auth=False)
    intruder = AirflowClient(client.base_url, "admin", "not-the-password")
    with pytest.raises(AssertionError, match="HTTP 401"):
        intruder.login()
