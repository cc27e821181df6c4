"""A hot read run on the driver's own cursor: a statement compiled once per dialect, its
columns converted by the type processors SQLAlchemy itself would apply (JSON, SQLite's
datetimes), its errors raised as SQLAlchemy's.

A search reads a few rows by primary key; SQLAlchemy's work around each execution (context,
events, result objects) cost about 50 µs, more than SQLite's own work on those rows. See
https://docs.sqlalchemy.org/en/20/faq/performance.html for where that time goes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Connection, Select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError

from ..db import PooledRead, Reader


@dataclass(frozen=True)
class CompiledRead:
    """A select as its driver runs it: SQL text, parameter order, column converters."""

    sql: str
    names: tuple[str, ...] | None  # the parameters' order when the driver's style is positional
    defaults: dict[str, Any]  # the statement's own bound values (its literals)
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]  # (column, converter) that convert


def compile_read(statement: Select[Any], dialect: Dialect) -> CompiledRead:
    """Compile a select for a dialect, with its columns' result processors."""
    compiled = statement.compile(dialect=dialect)
    names = tuple(compiled.positiontup or ()) if compiled.positional else None
    plain = getattr(dialect, "_json_deserializer", None) is None  # json.loads reads JSON
    found: list[tuple[int, Callable[[Any], Any]]] = []
    for at, column in enumerate(statement.selected_columns):
        process = column.type.dialect_impl(dialect).result_processor(dialect, None)
        if process is not None:
            json = plain and isinstance(column.type, JSON)
            found.append((at, _empty_json(process) if json else process))
    processors = tuple(found)
    unset = {name: None for name, bind in compiled.binds.items() if bind.required}
    return CompiledRead(compiled.string, names, dict(compiled.construct_params(unset)), processors)


def _empty_json(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A JSON column's converter that reads the empty list and object without json.loads (most
    entries' preferences, fixes' symptoms and runs' figures are empty): the same new values."""

    def read(value: Any) -> Any:
        if value == "[]":
            return []
        return {} if value == "{}" else process(value)

    return read


def fetch(connection: Reader, read: CompiledRead, params: dict[str, Any]) -> list[Any]:
    """Every row of a compiled read with these parameters, its values converted."""
    values = read.defaults | params
    args: Any = values if read.names is None else [values[name] for name in read.names]
    raw = connection.driver if isinstance(connection, PooledRead) else _driver(connection)
    error = connection.dialect.loaded_dbapi.Error
    try:
        rows = _rows(raw, read.sql, args)
    except error as exc:
        if connection.dialect.is_disconnect(exc, raw, None):
            connection.invalidate(exc)
        raise DBAPIError.instance(read.sql, args, exc, error) from exc
    if not read.processors:
        return rows
    converted = []
    for row in rows:
        cells = list(row)
        for at, process in read.processors:
            cells[at] = process(cells[at])
        converted.append(cells)
    return converted


def _driver(connection: Connection) -> Any:
    return connection.connection.driver_connection


def _rows(raw: Any, sql: str, args: Any) -> list[Any]:
    cursor = raw.cursor()
    try:
        cursor.execute(sql, args)
        return list(cursor.fetchall())
    finally:
        cursor.close()
