"""The migrations build the schema of `accord.db.tables`, undo it, and build it again.

Each test gets its own empty database (a SQLite file, or a new PostgreSQL database), since
migrating up and down cannot happen inside the rolled-back transaction other tests use.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, insert, inspect, select, update
from sqlalchemy.exc import DBAPIError

from accord.db.engine import make_engine
from accord.db.migrate import downgrade, migrate
from accord.db.tables import Base
from servers import fresh_database

ALEMBIC = "alembic_version"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path
                 ) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'migrations.db'}")
        yield engine
        engine.dispose()
        return
    with fresh_database(request.getfixturevalue("postgres_url"), "accord_migrations") as url:
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {ALEMBIC}


def test_migrations_go_up_to_the_model_down_to_nothing_and_up_again(
        empty_engine: Engine) -> None:
    expected = set(Base.metadata.tables)
    assert table_names(empty_engine) == set()
    migrate(empty_engine, "head")
    assert table_names(empty_engine) == expected
    downgrade(empty_engine, "base")
    assert table_names(empty_engine) == set()
    migrate(empty_engine, "head")  # fails if the downgrade left a trigger or function behind
    assert table_names(empty_engine) == expected


def test_the_migrated_audit_log_refuses_update_and_delete(empty_engine: Engine) -> None:
    migrate(empty_engine, "head")
    audit_log = Base.metadata.tables["audit_log"]
    with empty_engine.begin() as connection:
        connection.execute(insert(audit_log).values(
            at=datetime.now(UTC), action="project.create", object_type="project", details={}))
    for statement in (update(audit_log).values(action="nothing.happened"), delete(audit_log)):
        with pytest.raises(DBAPIError, match="audit_log is append-only"), \
                empty_engine.begin() as connection:
            connection.execute(statement)
    with empty_engine.connect() as connection:
        assert connection.execute(select(audit_log.c.action)).scalars().all() == [
            "project.create"]


def test_the_head_constant_is_alembics_newest_revision():
    from alembic.script import ScriptDirectory

    from accord.db.migrate import HEAD, alembic_config
    script = ScriptDirectory.from_config(alembic_config(make_engine("sqlite://")))
    assert script.get_current_head() == HEAD


def test_the_migrations_build_exactly_the_tables_the_code_declares(empty_engine: Engine):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    migrate(empty_engine, "head")
    with empty_engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_comments_a_review_pinned_before_0005_are_linked_to_it(empty_engine: Engine) -> None:
    """Before 0005 a review's region comments were known by annotation, author and time."""
    migrate(empty_engine, "0004")
    at, later = datetime(2026, 11, 2, 9, tzinfo=UTC), datetime(2026, 11, 2, 10, tzinfo=UTC)
    t = {name: Base.metadata.tables[name] for name in
         ("users", "projects", "tasks", "annotations", "reviews", "comments")}
    with empty_engine.begin() as connection:
        def add(table: str, **values: object) -> int:
            return connection.execute(insert(t[table]).values(**values)).inserted_primary_key[0]

        author = add("users", email="a@example.org", name="", is_admin=False, is_active=True,
                     created_at=at)
        reviewer = add("users", email="r@example.org", name="", is_admin=False,
                       is_active=True, created_at=at)
        project = add("projects", name="p", description="", schema_version=0,
                      guideline_version=0, workflow={}, created_at=at, updated_at=at)
        task = add("tasks", project_id=project, data={}, content_hash="h", batch="",
                   priority=0, created_at=at)
        annotation = add("annotations", task_id=task, project_id=project, author_id=author,
                         stage="label", status="rejected", regions=[], schema_version=0,
                         guideline_version=0, version=2, created_at=at, updated_at=at)
        review = add("reviews", annotation_id=annotation, project_id=project,
                     reviewer_id=reviewer, verdict="reject", error_categories=["x"],
                     comment="", created_at=at)
        common = {"project_id": project, "task_id": task, "annotation_id": annotation}
        pinned = add("comments", **common, region_id="r1", author_id=reviewer, body="here",
                     created_at=at)
        loose = add("comments", **common, region_id="r1", author_id=reviewer, body="later",
                    created_at=later)
        by_author = add("comments", **common, region_id="r1", author_id=author, body="mine",
                        created_at=at)
    migrate(empty_engine, "head")
    with empty_engine.connect() as connection:
        linked = dict(connection.execute(select(t["comments"].c.id,
                                                t["comments"].c.review_id)).all())
    assert linked == {pinned: review, loose: None, by_author: None}
