"""The QA report and its sections, for the QA dashboard, the CLI and the SDK."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from accord.api.deps import CurrentCaller, DbSession
from accord.services import consensus, qa_report

router = APIRouter(prefix="/api/projects/{project_id}/qa", tags=["qa"])


@router.get("/report")
def read_report(project_id: int, caller: CurrentCaller, session: DbSession) -> dict[str, Any]:
    """Every section at once: counts, agreement per label, gold accuracy, errors and drift."""
    return qa_report.project_report(session, caller, project_id)


@router.get("/agreement")
def read_agreement(project_id: int, caller: CurrentCaller, session: DbSession
                   ) -> dict[str, Any]:
    """Agreement per label, with the coefficients that apply and the annotator matrix."""
    return qa_report.project_report(session, caller, project_id, sections=("labels",))


@router.get("/consensus/{task_id}")
def read_task_consensus(project_id: int, task_id: int, caller: CurrentCaller,
                        session: DbSession) -> dict[str, Any]:
    """One task's consensus per label, each with its support, from its standing work."""
    return consensus.task_consensus(session, caller, project_id, task_id)
