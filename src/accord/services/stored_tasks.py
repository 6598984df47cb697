"""Labels imported onto tasks the project already holds: finding a task by its text, and
storing predictions and gold answers on it in the import's transaction.

Token-per-line files (CoNLL, BIO, IOB, BILOU) hold tokens, not the text between them, so
predictions or gold answers for tasks that already hold their text must be placed on that
text, not on one rebuilt from the tokens (docs/formats/text.md). `StoredTexts` finds the
task whose text, without its whitespace, is the tokens' concatenation; the readers align
the tokens to it and mark the record with the task's id (`formats.base.ONTO_TASK`), and
`StoredAnswers` stores that record's predictions and gold on the task.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from accord.core.errors import InputError
from accord.core.schema import Schema
from accord.core.task_records import parse_task_record
from accord.db.tables import Prediction, Task
from accord.db.types import utcnow
from accord.services import predictions, tasks

#: rows written at once
BATCH = 2000


def _digest(letters: str) -> bytes:
    return hashlib.blake2b(letters.encode(), digest_size=16).digest()


class StoredTexts:
    """`ReadContext.stored_text` for one project: (id, text) of the task whose `data_key`
    text, without whitespace, is the string asked for. The index (a 16-byte digest per
    task, read once, on the first call) holds no texts; a found task's text is read then."""

    def __init__(self, session: Session, project_id: int, data_key: str) -> None:
        self.session, self.project_id, self.data_key = session, project_id, data_key
        self._index: dict[bytes, list[int]] | None = None

    def __call__(self, letters: str) -> tuple[int, str] | None:
        if self._index is None:
            self._index = self._build()
        ids = self._index.get(_digest(letters))
        if not ids:
            return None
        if len(ids) > 1:
            shown = ", ".join(map(str, ids[:5]))
            raise InputError(f"the tokens are the text of several tasks (ids {shown}), which "
                             "differ only in whitespace; the labels cannot be placed on one")
        data = self.session.scalar(select(Task.data).where(Task.id == ids[0]))
        text = data.get(self.data_key) if isinstance(data, dict) else None
        if not isinstance(text, str) or "".join(text.split()) != letters:
            return None  # a digest collision: not this task
        return ids[0], text

    def _build(self) -> dict[bytes, list[int]]:
        index: dict[bytes, list[int]] = {}
        rows = self.session.execute(
            select(Task.id, Task.data).where(Task.project_id == self.project_id)
            .order_by(Task.id).execution_options(yield_per=BATCH))
        for task_id, data in rows:
            text = data.get(self.data_key) if isinstance(data, dict) else None
            if isinstance(text, str):
                index.setdefault(_digest("".join(text.split())), []).append(task_id)
        return index


class StoredAnswers:
    """The predictions and gold answers of records that go onto stored tasks, checked as
    an import checks its records and written in batches in the caller's transaction."""

    def __init__(self, session: Session, project_id: int, schema: Schema | None) -> None:
        self.session, self.project_id, self.schema = session, project_id, schema
        self.tasks: set[int] = set()
        self.predictions = 0
        self._predictions: list[dict[str, Any]] = []
        self._gold: list[dict[str, Any]] = []

    def add(self, where: str, task_id: int, raw: dict[str, Any]) -> None:
        record = check(self.schema, where, raw)  # predictions or gold (read_context)
        self.tasks.add(task_id)
        now = utcnow()
        self._predictions += [{"task_id": task_id, "project_id": self.project_id,
                               "regions": p.regions, "score": p.score,
                               "model_version": p.model_version, "created_at": now}
                              for p in record.predictions]
        if record.gold is not None:
            self._gold.append({"task": task_id, "new_gold": record.gold})
        if len(self._predictions) + len(self._gold) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Write what is pending (call once more before the commit)."""
        if self._predictions:
            self.session.execute(insert(Prediction), self._predictions)
            self.predictions += len(self._predictions)
            self._predictions = []
        if self._gold:
            table = Task.__table__
            self.session.connection().execute(
                update(table).where(table.c.id == bindparam("task"))
                .values(gold=bindparam("new_gold"), is_gold=True), self._gold)
            self._gold = []

    def finish(self) -> None:
        self.flush()
        predictions.requeue(self.session, self.project_id, sorted(self.tasks))


def check(schema: Schema | None, where: str, raw: dict[str, Any]) -> Any:
    """The record parsed and checked against the schema, or an InputError led by `where`."""
    try:
        record = parse_task_record(raw)
        tasks.check_record(schema, record)
    except InputError as exc:
        raise InputError(f"{where}: {exc.message}", **{**exc.details, "where": where}
                         ) from exc
    return record
