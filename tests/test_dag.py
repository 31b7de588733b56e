"""The DAG file imports cleanly, cheaply, and chains the stages in the designed order."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from wirehouse.config import PROJECT_ROOT

DAGS = PROJECT_ROOT / "dags"


def test_dagbag_has_no_import_errors_and_the_designed_order():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS))
    assert bag.import_errors == {}
    assert {"news_ingest", "news_ingest_daily", "wirehouse_maintenance", "wirehouse_health"} <= set(bag.dags)
    dag = bag.dags["news_ingest"]
    order = {
        "prepare": {"per_shard.fetch"},
        "per_shard.fetch": {"per_shard.clean"},
        "per_shard.clean": {"fingerprint"},
        "fingerprint": {"load"},
        "load": {"report"},
        "report": set(),
    }
    assert {t.task_id: set(t.downstream_task_ids) for t in dag.tasks} == order
    assert type(dag.timetable).__name__ == "CronDataIntervalTimetable"
    assert dag.default_args["retries"] >= 1 and dag.default_args["retry_exponential_backoff"]
    assert dag.doc_md and "wirehouse" in dag.tags


@pytest.mark.parametrize("dag_file", ["news_ingest.py", "wirehouse_maintenance.py", "wirehouse_reclean.py",
                                      "wirehouse_health.py"])
def test_dag_file_does_no_heavy_work_at_import(dag_file):
    """Parsing a DAG file must not import the database driver, Scrapy or the extractor."""
    code = (
        "import runpy, sys, json; runpy.run_path(sys.argv[1]);"
        "print(json.dumps([m for m in ('psycopg', 'scrapy', 'trafilatura', 'wirehouse.db') if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(DAGS / dag_file)],
                         capture_output=True, text=True, check=True).stdout
    assert json.loads(out.strip().splitlines()[-1]) == []


def test_prepare_lists_the_cadence_sources_or_those_named_in_the_conf(warehouse_db, replay_sources):
    import pytest

    from wirehouse.pipeline import prepare

    assert prepare("hourly") == []  # the replay's outlets all run daily
    assert prepare("daily") == [["aggregator", "express", "kyivpost"], ["businessinsider", "huffpost", "newsmax"]]
    assert prepare("daily", only=["newsmax", "kyivpost"]) == [["kyivpost"], ["newsmax"]]
    with pytest.raises(ValueError, match="unknown source.*nosuch"):
        prepare("daily", only=["nosuch"])
