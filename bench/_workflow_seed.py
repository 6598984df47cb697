"""Seed a workflow benchmark database, in its own process (bench/workflow.py runs it).

    .venv/bin/python bench/_workflow_seed.py --data-dir DIR [--database-url URL] \
        --tasks 1000000 --clients 50 --crowd crowd.json

Migrates the database, creates the data dir's secret key (which the server started on the
same data dir then uses), the manager, `--clients` annotators with API tokens and the project
with tests/load/simulation.py's animal schema, then imports `--tasks` tasks through
`tasks.import_records` in one transaction, printing progress to stderr. The crowd (ids and
tokens) is written as JSON to `--crowd`. A separate process, so that the benchmark's own
process never holds the seeding's memory or its database connections.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from accord.core.records import Role
from accord.db.engine import make_engine, write_session
from accord.db.migrate import migrate
from accord.services import workflow
from accord.services.caller import Caller
from accord.settings import Settings, load_or_create_secret

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from load.simulation import seed_crowd, seed_tasks  # noqa: E402

PROGRESS_EVERY = 100_000


def progress_printer(total: int) -> Callable[[int], None]:
    """A progress callback for `import_records` that prints every PROGRESS_EVERY tasks."""
    started, done, shown = time.perf_counter(), [0], [0]

    def report(chunk: int) -> None:
        done[0] += chunk
        if done[0] - shown[0] >= PROGRESS_EVERY or done[0] == total:
            shown[0] = done[0]
            elapsed = time.perf_counter() - started
            print(f"  seeded {done[0]:,} / {total:,} tasks in {elapsed:.0f} s "
                  f"({done[0] / elapsed:,.0f}/s)", file=sys.stderr, flush=True)
    return report


def seed(data_dir: Path, database_url: str | None, count: int, clients: int,
         policy: dict[str, Any]) -> str:
    """The crowd as JSON, after seeding the database the server will use. The workflow
    policy is set before the tasks come, as a manager would, so the import draws each
    task's overlap and the server's later PATCH of the same policy rewrites no task."""
    settings = Settings.model_validate({"data_dir": data_dir, "database_url": database_url})
    engine = make_engine(settings.resolved_database_url)
    try:
        migrate(engine, "head")
        with write_session(engine) as session:
            crowd = seed_crowd(session, load_or_create_secret(data_dir), error_rates=(0.1,),
                               per_group=clients, reviewers=0)
            manager = Caller(user_id=crowd.manager.user_id, email=crowd.manager.email,
                             role=Role.MANAGER)
            workflow.update_workflow(session, manager, crowd.project_id, policy)
            seed_tasks(session, crowd, count, progress_printer(count))
    finally:
        engine.dispose()
    return crowd.to_json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--tasks", type=int, required=True)
    parser.add_argument("--clients", type=int, required=True)
    parser.add_argument("--crowd", type=Path, required=True, help="where to write the crowd")
    parser.add_argument("--policy", type=json.loads, required=True,
                        help="the workflow policy (JSON), set before the tasks are imported")
    args = parser.parse_args()
    args.crowd.write_text(seed(args.data_dir, args.database_url, args.tasks, args.clients,
                               args.policy))


if __name__ == "__main__":
    main()
