"""Bulk INSERT of many rows without building a Tortoise model object for each.

``bulk_create`` instantiates every model, which costs more than the INSERT itself at sync rates.
This uses Tortoise's own prepared INSERT statement and each field's own ``to_db_value``, so the
stored values are exactly what the ORM would write.
"""

from __future__ import annotations

from typing import Any

from tortoise.models import Model


async def insert_many(model: type[Model], rows: list[dict[str, Any]]) -> None:
    """``rows`` give a value for every column (field names, ``*_id`` for foreign keys)."""
    if not rows:
        return
    db = model._meta.db  # the current transaction's connection, inside in_transaction()
    executor = db.executor_class(model=model, db=db)
    generated = model._meta.pk.generated  # then the database numbers the rows
    columns = executor.regular_columns if generated else executor.regular_columns_all
    query = executor.insert_query if generated else executor.insert_query_all
    fields = model._meta.fields_map
    # Column by column: each field's converter looked up once, not once a cell.
    converted = [
        _converted(fields[c].to_db_value, [row[c] for row in rows], model) for c in columns
    ]
    values: list[Any] = list(zip(*converted, strict=True))  # a row a tuple: the drivers take it
    await db.execute_many(query, values)


def _converted(to_db: Any, values: list[Any], model: type[Model]) -> list[Any]:
    """One column's values for the database. A column holding one object in every row (the
    alert of 10,000 recipients, the sender of a batch) is converted once: a field's conversion
    depends on the value alone when given the model class, not an instance."""
    first = values[0]
    if all(value is first for value in values):
        return [to_db(first, model)] * len(values)
    return [to_db(value, model) for value in values]
