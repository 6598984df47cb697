"""Bulk inserts of imported rows in the driver's own terms, past SQLAlchemy's per-row work.

An import of 100,000 tasks with their annotations inserts 200,000 rows. Through a Core
`insert()` each row's every value goes through the statement's parameter building and its
column type's bind processor (UTC datetimes, enums, JSON), which cost as much as SQLite
takes to store the row. A `RowInsert` applies the very same processors, and only where
values differ from row to row: a value shared by a chunk (its project, the import's time)
is processed once, columns with a Python-side default get it once, and the rows go to the
driver's `executemany` as tuples. What is stored is what the Core insert would store, on
SQLite and PostgreSQL alike (tests/db compare the two).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import JSON, Connection, Table

#: the SQL parameter marker of each DB-API parameter style that passes values by position
_MARKS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


class RowInsert:
    """`INSERT INTO table (varying..., shared...)`, for rows given as tuples of the varying
    columns' Python values; with `skip_conflicts` (the columns of a unique constraint), a
    row that would break that constraint is left out (ON CONFLICT … DO NOTHING, which
    SQLite and PostgreSQL both read)."""

    def __init__(self, connection: Connection, table: Table, varying: Sequence[str],
                 shared: Mapping[str, Any], skip_conflicts: Sequence[str] = ()) -> None:
        dialect = connection.dialect
        if dialect.paramstyle not in _MARKS:  # SQLite's and psycopg's styles are all there
            raise RuntimeError(f"bulk inserts need positional parameters; "
                               f"{dialect.name} uses {dialect.paramstyle}")
        self.connection, self.table = connection, table
        self.skips_conflicts = bool(skip_conflicts)
        constants = dict(shared)
        for column in table.columns:  # as Core would fill them in
            default = column.default
            if (column.name in constants or column.name in varying or default is None
                    or not getattr(default, "is_scalar", False)):
                continue
            constants[column.name] = default.arg  # type: ignore[attr-defined]
        self.shared = tuple(self.processor(name)(value) for name, value in constants.items())
        self.processors = [(i, _remembered(process)
                            if not isinstance(table.columns[name].type, JSON) else process)
                           for i, name in enumerate(varying)
                           if (process := self.processor(name)) is not _same]
        names = [*varying, *constants]
        mark = _MARKS[dialect.paramstyle]
        quote = dialect.identifier_preparer.quote
        self.sql = (f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, names))}) "
                    f"VALUES ({', '.join([mark] * len(names))})")
        if skip_conflicts:
            self.sql += f" ON CONFLICT ({', '.join(map(quote, skip_conflicts))}) DO NOTHING"

    def processor(self, name: str) -> Callable[[Any], Any]:
        """What column `name`'s type makes of a Python value for the driver: the very
        function a Core insert applies (None included: a JSON column stores it as null).

        The type's dialect implementation, as Core takes it: a type decorator's own
        `bind_processor` would skip its implementation's (SQLite's datetime text: the
        driver's adapter would write a whole second without its `.000000`), and a variant's
        would skip the variant (PostgreSQL's JSONB)."""
        dialect = self.connection.dialect
        process = self.table.columns[name].type.dialect_impl(dialect).bind_processor(dialect)
        return _same if process is None else process

    def insert(self, rows: Iterable[tuple[Any, ...]]) -> int:
        """Insert `rows`, each the varying columns' values in order; the number stored
        (when conflicts are skipped, as the driver counts them: SQLite's and psycopg's sum
        an executemany's rows; -1 would be a driver that cannot tell)."""
        shared, processors = self.shared, self.processors
        found = []
        for row in rows:
            values = list(row)
            for i, process in processors:
                values[i] = process(values[i])
            found.append((*values, *shared))
        if not found:
            return 0
        stored = self.connection.exec_driver_sql(self.sql, found).rowcount
        return stored if self.skips_conflicts else len(found)


def _same(value: Any) -> Any:
    return value


def _remembered(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`process` remembering what it made of each value: an import's enums and times repeat
    row after row (every answer's stage, status and time), and their processors cost a
    Python call each. Values are told apart by their type too (1, 1.0 and True are equal
    keys), so every value still gets exactly what `process` gives it. A `RowInsert` lives
    for one batch of rows, and so does what it remembers."""
    memo: dict[tuple[type, Any], Any] = {}

    def remembered(value: Any) -> Any:
        key = (type(value), value)
        try:
            return memo[key]
        except KeyError:
            found = memo[key] = process(value)
            return found
        except TypeError:  # unhashable
            return process(value)

    return remembered
