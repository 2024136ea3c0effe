"""Fast inserts of many rows for loaders (demo seed, imports): COPY on PostgreSQL,
executemany elsewhere. Values must already be in database form (see `db_datetime`, `db_uuid`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import islice
from typing import Any, TypeVar, cast

from django.db import connection, models

T = TypeVar("T")

# Values per `IN (...)` list: SQLite refuses a statement with more than 32,766 parameters and
# psycopg more than 65,535, so look-ups of many keys go in chunks of this size.
IN_CHUNK = 5000


# After a COPY of at least this many rows, PostgreSQL's statistics of the table are refreshed.
ANALYZE_AFTER = 10_000


def chunked(values: Iterable[T], size: int = IN_CHUNK) -> Iterator[list[T]]:
    """`values` in lists of at most `size`, in order (for IN lists and deletes by id)."""
    iterator = iter(values)
    while chunk := list(islice(iterator, size)):
        yield chunk


# On PostgreSQL the keys go as one array parameter (`= ANY(%s)`): one statement per this many
# keys, which the server hashes (no per-key index probe, no placeholder per key).
ANY_CHUNK = 100_000


def rows_in(
    queryset: models.QuerySet[Any], column: str, values: Sequence[Any], *fields: str
) -> Iterator[tuple[Any, ...]]:
    """`queryset.filter(<column>__in=values).values_list(*fields)` for many values, as the
    database returns them (no field converters: SQLite's datetimes come naive, decimals
    as floats).

    Django prepares every value of an `__in` list in Python, which costs seconds for 100,000
    of them; here the keys are added to the compiled statement: an `IN (...)` list per
    IN_CHUNK keys on SQLite, one array per ANY_CHUNK keys on PostgreSQL. `values` must be in
    database form (text, integers) and the queryset a plain filter (no ordering, grouping or
    slicing).
    """
    sql, params = queryset.values_list(*fields).order_by().query.sql_with_params()
    model = queryset.model
    quote = connection.ops.quote_name
    name = f"{quote(model._meta.db_table)}.{quote(db_column(concrete_field(model, column)))}"
    head, where, condition = sql.partition(" WHERE ")
    prefix = f"{head} WHERE ({condition}) AND" if where else f"{head} WHERE"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for chunk in chunked(values, ANY_CHUNK):
                cursor.execute(f"{prefix} {name} = ANY(%s)", (*params, chunk))
                yield from cursor.fetchall()
            return
        for chunk in chunked(values):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"{prefix} {name} IN ({marks})", (*params, *chunk))
            yield from cursor.fetchall()


def db_datetime(value: datetime) -> Any:
    """An aware datetime in the form the current database backend stores."""
    return connection.ops.adapt_datetimefield_value(value)


def db_datetimes(values: list[datetime | None]) -> list[Any]:
    """`db_datetime` for many values at once (None stays None)."""
    if connection.vendor == "sqlite":
        # Django stores SQLite datetimes as naive UTC text.
        return [
            None if value is None else value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
            for value in values
        ]
    return values


def db_uuid(value: str | None) -> Any:
    """A UUID in the form the current database backend stores: native where the backend has
    the type, else 32 hex digits (what Django's UUIDField stores on SQLite)."""
    if value is None or connection.features.has_native_uuid_field:
        return value
    return uuid.UUID(value).hex


def concrete_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """`model`'s concrete field `name` (typed: `get_field` may also return a reverse relation)."""
    return cast("models.Field[Any, Any]", model._meta.get_field(name))


def db_column(field: models.Field[Any, Any]) -> str:
    """The table column of a concrete field (set once the field is bound to its model)."""
    return cast(str, field.column)


def bulk_insert(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    batch_size: int = 5000,
) -> int:
    """Insert `rows` (tuples in `columns` order) into `model`'s table; returns the count.

    Skips model instances entirely, so it runs no save() logic and sends no signals: callers
    validate first. Runs inside the caller's transaction.
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(db_column(concrete_field(model, column))) for column in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            if count >= ANALYZE_AFTER:
                # The planner's statistics still describe the table before the load: without
                # them the next look-ups of the same import plan for a handful of rows.
                cursor.execute(f"ANALYZE {table}")
            return count
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608 - names quoted
        iterator = iter(rows)
        while batch := list(islice(iterator, batch_size)):
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
