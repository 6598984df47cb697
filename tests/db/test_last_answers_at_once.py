"""A task's last answers arriving at once still route it: the submissions take turns on the
task, so the one that counts last counts every answer. Runs on a SQLite file and on
PostgreSQL, each submitter on its own connection and thread."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Engine, event, select

from accord.core.records import Role, Stage, TaskState
from accord.db.engine import write_session
from accord.db.tables import Annotation, Task
from accord.services import annotations, projects, queue, tasks, workflow
from accord.services.caller import Caller
from builders import SCHEMA, box, caller_of, make_user

OVERLAP = 3
#: how long a submitter that has counted the answers waits for the other one to count
#: them too: the interleaving that left the task unrouted, if the other can get there
COUNTED_WAIT_S = 1.0


def one_task_leased_to_three(engine: Engine) -> tuple[int, int, list[Caller]]:
    """A project of one task with overlap 3, no review sample or gold, leased to three
    annotators: (project id, task id, the annotators)."""
    with write_session(engine) as session:
        manager = caller_of(make_user(session, "manager@example.org", password=None))
        project_id = projects.create_project(session, manager, "p", schema=SCHEMA)["id"]
        workflow.update_workflow(session, manager, project_id, {
            "overlap": OVERLAP, "review_sample": 0.0, "consensus_threshold": 0.0})
        tasks.import_records(session, manager, project_id, [("t", {"data": {"image": "a"}})])
        crowd = []
        for i in range(OVERLAP):
            user = make_user(session, f"a{i}@example.org", password=None)
            projects.add_member(session, manager, project_id, user["email"], Role.ANNOTATOR)
            crowd.append(caller_of(user).in_project(Role.ANNOTATOR))
    task_ids = set()
    for annotator in crowd:
        with write_session(engine) as session:
            task_ids.add(queue.next_task(session, annotator, project_id, Stage.LABEL
                                         )["task"]["id"])
    assert len(task_ids) == 1
    return project_id, task_ids.pop(), crowd


def submit(engine: Engine, annotator: Caller, project_id: int, task_id: int) -> None:
    with write_session(engine) as session:
        annotations.submit(session, annotator, project_id, task_id, [box()])


def test_two_last_answers_at_once_route_the_task(committing_engine: Engine) -> None:
    project_id, task_id, crowd = one_task_leased_to_three(committing_engine)
    submit(committing_engine, crowd[0], project_id, task_id)
    counted = threading.Barrier(2, timeout=COUNTED_WAIT_S)
    errors: list[BaseException] = []

    def after_counting(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "annotations.status IN" in statement and threading.current_thread() in racers:
            try:
                counted.wait()
            except threading.BrokenBarrierError:  # the other waits for its turn
                pass

    def race(annotator: Caller) -> None:
        try:
            submit(committing_engine, annotator, project_id, task_id)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    racers = [threading.Thread(target=race, args=(a,)) for a in crowd[1:]]
    event.listen(committing_engine, "after_cursor_execute", after_counting)
    try:
        for thread in racers:
            thread.start()
        for thread in racers:
            thread.join(60)
    finally:
        event.remove(committing_engine, "after_cursor_execute", after_counting)
    assert errors == []
    with write_session(committing_engine) as session:
        task = session.get_one(Task, task_id)
        answers = session.scalars(select(Annotation.id).where(Annotation.task_id == task_id))
        assert len(list(answers)) == OVERLAP
        assert task.state is not TaskState.LABEL, (
            f"all {OVERLAP} answers are in, but the task still waits in labeling "
            f"(taken {task.taken} of {task.overlap})")
