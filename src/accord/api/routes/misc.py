"""Health, and schema tools that do not belong to a project."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import text

from accord import __version__
from accord.api.deps import DbSession
from accord.api.routing import AccordRoute
from accord.api.schemas import LabelStudioConfig
from accord.core.label_studio_config import schema_from_label_studio
from accord.core.schema import parse_schema, schema_to_dict

router = APIRouter(prefix="/api", tags=["misc"], route_class=AccordRoute)


@router.get("/health")
def health(session: DbSession) -> dict[str, Any]:
    session.execute(text("SELECT 1"))
    return {"ok": True, "version": __version__, "database": session.get_bind().dialect.name}


@router.post("/schema/validate")
def validate_schema(document: dict[str, Any]) -> dict[str, Any]:
    """Check a schema without storing it; problems come back as a 422 with their paths."""
    return {"ok": True, "schema": schema_to_dict(parse_schema(document))}


@router.post("/schema/from-label-studio")
def convert_label_studio(body: LabelStudioConfig) -> dict[str, Any]:
    """Convert a Label Studio XML labeling config into an Accord schema."""
    document = schema_from_label_studio(body.xml)
    return {"schema": schema_to_dict(parse_schema(document))}
