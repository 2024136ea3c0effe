"""Validate a CFPackage against the CASE 1.0 or 1.1 JSON Schema (copied in `schemas/`)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft201909Validator, FormatChecker
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for

from masterypath.interop.case.errors import Problem

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
SCHEMA_FILES = {
    "1.0": "case-v1p0-cfpackage-schema.json",
    "1.1": "case-v1p1-cfpackage-official.json",
}
MESSAGE_LIMIT = 300


@cache
def schema_validator(version: str) -> Validator:
    schema = json.loads((SCHEMA_DIR / SCHEMA_FILES[version]).read_text(encoding="utf-8"))
    cls = validator_for(schema, default=Draft201909Validator)
    return cls(schema, format_checker=FormatChecker())


def schema_problems(source: str, raw: Any, *, version: str) -> list[Problem]:
    """Every violation of the CASE `version` schema, each with its JSON path, in file order."""
    clean = _without_private_keys(raw)
    validator = schema_validator(version)
    problems = []
    for error in sorted(validator.iter_errors(clean), key=lambda e: list(map(str, e.path))):
        message = error.message
        if len(message) > MESSAGE_LIMIT:
            message = message[: MESSAGE_LIMIT - 1] + "…"
        problems.append(Problem(source, error.json_path, f"CASE {version} schema: {message}"))
    return problems


def _without_private_keys(value: Any) -> Any:
    """Drop the `_line` bookkeeping the CSV reader adds."""
    if isinstance(value, dict):
        return {k: _without_private_keys(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [_without_private_keys(v) for v in value]
    return value
