"""annolake's daily pipeline for Apache Airflow 2.x.

The task list and its dependencies live in tasks.json beside this file (the trials run that exact
list through bin/annolake). Each task runs one annolake job for the DAG run's logical date
({{ ds }}) with the Airflow run id as its run id, so a retry or a backfill of a date reruns that
date's work, which annolake makes idempotent. Exit code 1 (a job failure) is retried; exit code 2
(a usage or configuration error) fails the task at once: a retry would fail the same way.

Settings (Airflow Variables or environment):
  ANNOLAKE_HOME      the installed project (bin/annolake, a built jar: tasks never build)
  ANNOLAKE_LAKEHOUSE the lakehouse root (a folder or an object-store URI)
  ANNOLAKE_LANDING   the landing root; files for date D are under <landing>/<D>/{schemas,gold,...}
  ANNOLAKE_POOL      an Airflow pool per lakehouse bounding the jobs that run on one machine at once
                     (create it with as many slots as the machine runs Spark drivers, e.g. 2)
"""
import json
import os
import subprocess
from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.exceptions import AirflowException, AirflowFailException
from airflow.operators.python import PythonOperator

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "tasks.json"), encoding="utf-8") as f:
    SPEC = json.load(f)

ANNOLAKE_HOME = os.environ.get("ANNOLAKE_HOME", "/opt/annolake")
LAKEHOUSE = os.environ.get("ANNOLAKE_LAKEHOUSE", "/data/annolake/lakehouse")
LANDING = os.environ.get("ANNOLAKE_LANDING", "/data/annolake/landing")
POOL = os.environ.get("ANNOLAKE_POOL", "annolake")

USAGE_ERROR = 2


def command(task, ds, run_id):
    """The annolake command line of one task for one DAG run (the trials build the same)."""
    args = [a.replace("{landing}", LANDING).replace("{ds}", ds) for a in task["args"]]
    return [os.path.join(ANNOLAKE_HOME, "bin", "annolake"), *args,
            "--lakehouse", LAKEHOUSE, "--logical-date", ds, "--run-id", f"{run_id}:{task['id']}"]


def run_task(task, ds, run_id, **_):
    completed = subprocess.run(command(task, ds, run_id), check=False)
    if completed.returncode == USAGE_ERROR:
        raise AirflowFailException(f"annolake {task['args'][0]}: usage or configuration error (exit 2); not retried")
    if completed.returncode != 0:
        raise AirflowException(f"annolake {task['args'][0]} failed with exit code {completed.returncode}; retried")


with DAG(
    dag_id=SPEC["dag_id"],
    schedule="@daily",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=True,  # backfills: every missed date runs, oldest first
    max_active_runs=1,
    default_args={"retries": 3, "retry_delay": timedelta(minutes=2), "retry_exponential_backoff": True, "pool": POOL},
    tags=["annolake"],
) as dag:
    operators = {
        t["id"]: PythonOperator(
            task_id=t["id"],
            python_callable=run_task,
            op_kwargs={"task": t, "ds": "{{ ds }}", "run_id": "{{ run_id }}"},
        )
        for t in SPEC["tasks"]
    }
    for t in SPEC["tasks"]:
        for upstream in t["upstream"]:
            operators[upstream] >> operators[t["id"]]
