"""CSV exports that are safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from starlette.responses import Response


def safe_cell(cell: Any) -> Any:
    """Stop a spreadsheet from running a field's text as a formula. Numbers stay numbers (a
    longitude of -121.4865 is no formula), so only text is ever neutralised."""
    if isinstance(cell, int | float | Decimal) and not isinstance(cell, bool):
        return cell
    text = "" if cell is None else str(cell)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_response(filename: str, header: list[str], rows: Iterable[list[Any]]) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
