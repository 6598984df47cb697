"""The workflow: its policy, the queues that hand out work, and a manager's hand on tasks."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Request

from accord.api.deps import CurrentCaller, DbSession
from accord.api.routing import AccordRoute, fast, int_param
from accord.api.schemas import Assignment
from accord.core.records import Stage
from accord.services import queue, task_control, workflow, workflow_reports

router = APIRouter(prefix="/api/projects/{project_id}", tags=["workflow"], route_class=AccordRoute)


# First: a router tries its routes in order, and this is the most asked of them.
async def _next_task_arguments(request: Request) -> dict[str, Any] | None:
    project_id, stage = int_param(request, "project_id"), request.path_params.get("stage")
    if project_id is None or stage not in STAGES:
        return None
    return {"project_id": project_id, "stage": STAGES[stage]}


STAGES = {stage.value: stage for stage in Stage}


@router.post("/queues/{stage}/next")
@fast(_next_task_arguments)
def next_task(project_id: int, stage: Stage, caller: CurrentCaller, session: DbSession
              ) -> dict[str, Any]:
    """Lease the caller their next task in `stage` (the same one again while the lease
    runs); `task` is null when there is none, and `reason` says why."""
    return queue.next_task(session, caller, project_id, stage)


@router.get("/workflow")
def read_workflow(project_id: int, session: DbSession) -> dict[str, Any]:
    """The policy, every field (defaults included), and whether the pilot is approved."""
    return workflow.read_workflow(session, project_id)


@router.patch("/workflow")
def update_workflow(project_id: int, caller: CurrentCaller, session: DbSession,
                    changes: dict[str, Any] = Body(...)) -> dict[str, Any]:  # noqa: B008
    """Change the fields given; the whole policy is checked and the change audited."""
    return workflow.update_workflow(session, caller, project_id, changes)


@router.get("/workflow/pilot")
def read_pilot(project_id: int, caller: CurrentCaller, session: DbSession) -> dict[str, Any]:
    """The pilot batch's progress, agreement and time per task: the baseline to approve."""
    return workflow_reports.pilot_report(session, caller, project_id)


@router.post("/workflow/pilot/approve")
def approve_pilot(project_id: int, caller: CurrentCaller, session: DbSession
                  ) -> dict[str, Any]:
    """Open the rest of the project."""
    return workflow.approve_pilot(session, caller, project_id)


@router.get("/workflow/calibration")
def read_calibration(project_id: int, caller: CurrentCaller, session: DbSession
                     ) -> dict[str, Any]:
    """How the annotators agree on the calibration batch that every one of them labels."""
    return workflow_reports.calibration_report(session, caller, project_id)


@router.get("/queues")
def read_queues(project_id: int, caller: CurrentCaller, session: DbSession
                ) -> dict[str, Any]:
    """Per stage the caller may take: how many tasks they could be handed, and theirs."""
    return queue.queue_counts(session, caller, project_id)


@router.post("/tasks/{task_id}/skip", status_code=204)
def skip_task(project_id: int, task_id: int, caller: CurrentCaller, session: DbSession
              ) -> None:
    """Give the task back; it is never offered to the caller again."""
    queue.skip(session, caller, project_id, task_id)


@router.post("/tasks/{task_id}/assign", status_code=201)
def assign_task(project_id: int, task_id: int, body: Assignment, caller: CurrentCaller,
                session: DbSession) -> dict[str, Any]:
    """Direct the task to a member, ahead of their queue."""
    return task_control.assign(session, caller, project_id, task_id, body.user_id,
                               body.stage)


@router.post("/tasks/{task_id}/release")
def release_task(project_id: int, task_id: int, caller: CurrentCaller, session: DbSession
                 ) -> dict[str, Any]:
    """Drop every lease and assignment on the task; its slots go back to the queue."""
    return task_control.release(session, caller, project_id, task_id)


@router.post("/tasks/{task_id}/reopen")
def reopen_task(project_id: int, task_id: int, caller: CurrentCaller, session: DbSession
                ) -> dict[str, Any]:
    """Back to labeling for a new round; the earlier answers stay in its history."""
    return task_control.reopen(session, caller, project_id, task_id)


@router.post("/tasks/{task_id}/freeze")
def freeze_task(project_id: int, task_id: int, caller: CurrentCaller, session: DbSession
                ) -> dict[str, Any]:
    return task_control.freeze(session, caller, project_id, task_id, True)


@router.post("/tasks/{task_id}/unfreeze")
def unfreeze_task(project_id: int, task_id: int, caller: CurrentCaller, session: DbSession
                  ) -> dict[str, Any]:
    return task_control.freeze(session, caller, project_id, task_id, False)


@router.get("/tasks/{task_id}/history")
def task_history(project_id: int, task_id: int, caller: CurrentCaller, session: DbSession
                 ) -> dict[str, Any]:
    """The task's workflow state, leases, annotations (with guideline versions) and events."""
    return task_control.history(session, caller, project_id, task_id)
