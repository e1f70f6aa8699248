"""The report as JSON for other tools: money and shares as exact decimal strings."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from .build import Report


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def report_json(report: Report) -> str:
    return json.dumps(dataclasses.asdict(report), default=_plain, ensure_ascii=False, indent=2)
