"""The QA report and its sections, for the QA dashboard, the CLI and the SDK."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from fastapi import APIRouter

from accord.api.deps import CurrentCaller, DbSession
from accord.api.routing import AccordRoute
from accord.services import consensus, qa_report

router = APIRouter(prefix="/api/projects/{project_id}/qa", tags=["qa"], route_class=AccordRoute)

Section = StrEnum("Section", {name: name for name in qa_report.SECTIONS})  # type: ignore[misc]


@router.get("/report")
def read_report(project_id: int, caller: CurrentCaller, session: DbSession) -> dict[str, Any]:
    """Every section at once, with the counts the report stands on."""
    return qa_report.project_report(session, caller, project_id)


@router.get("/consensus/{task_id}")
def read_task_consensus(project_id: int, task_id: int, caller: CurrentCaller,
                        session: DbSession) -> dict[str, Any]:
    """One task's consensus per label, each with its support, from its answers."""
    return consensus.task_consensus(session, caller, project_id, task_id)


@router.get("/{section}")
def read_section(project_id: int, section: Section, caller: CurrentCaller,
                 session: DbSession) -> dict[str, Any]:
    """One section of the report: annotators, agreement, consensus, gold, errors, drift or
    throughput."""
    return qa_report.project_report(session, caller, project_id, sections=(section.value,))
