"""The `format` parameter of GET /xapi/statements (Communication 2.1.3): `exact` returns a
statement as stored; `ids` keeps only what identifies Agents, Groups, Activities and Verbs;
`canonical` keeps one language of every language map, the best one for Accept-Language."""

from __future__ import annotations

import json
import re
from typing import Any

FORMATS = frozenset({"exact", "ids", "canonical"})
_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
_LANGUAGE = re.compile(r"^\s*([A-Za-z0-9*-]+)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


def accepted_languages(header: str) -> list[str]:
    """The tags of an Accept-Language header, best first (q=0 left out)."""
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        match = _LANGUAGE.match(part)
        if not match:
            continue
        try:
            quality = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        if quality > 0:
            weighted.append((-quality, index, match.group(1).lower()))
    return [tag for _, _, tag in sorted(weighted)]


def _best(language_map: dict[str, Any], languages: list[str]) -> dict[str, Any]:
    if len(language_map) <= 1:
        return language_map
    lowered = {key.lower(): key for key in language_map}
    wanted = [tag for tag in languages if tag != "*"]
    for tag in wanted:  # RFC 4647 lookup: the tag, then shorter prefixes of it
        parts = tag.split("-")
        for size in range(len(parts), 0, -1):
            candidate = "-".join(parts[:size])
            if candidate in lowered:
                return {lowered[candidate]: language_map[lowered[candidate]]}
    for tag in wanted:  # then any variant of the same language
        for key_lower, key in lowered.items():
            if key_lower.split("-")[0] == tag.split("-")[0]:
                return {key: language_map[key]}
    first = next(iter(language_map))
    return {first: language_map[first]}


def _agent_ids(agent: Any) -> Any:
    if not isinstance(agent, dict):
        return agent
    kept = {key: agent[key] for key in ("objectType", *_IFIS) if key in agent}
    if agent.get("objectType") == "Group" and not any(key in agent for key in _IFIS):
        kept["member"] = [_agent_ids(member) for member in agent.get("member") or []]
    return kept


def _object_ids(target: Any) -> Any:
    if not isinstance(target, dict):
        return target
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        return {"id": target["id"]} if "id" in target else target
    if kind in {"Agent", "Group"}:
        return _agent_ids(target)
    if kind == "SubStatement":
        return _statement_ids(target)
    return target


def _statement_ids(statement: dict[str, Any]) -> dict[str, Any]:
    result = dict(statement)
    for key in ("actor", "authority"):
        if key in result:
            result[key] = _agent_ids(result[key])
    if isinstance(result.get("verb"), dict) and "id" in result["verb"]:
        result["verb"] = {"id": result["verb"]["id"]}
    if "object" in result:
        result["object"] = _object_ids(result["object"])
    context = result.get("context")
    if isinstance(context, dict):
        context = dict(context)
        for key in ("instructor", "team"):
            if key in context:
                context[key] = _agent_ids(context[key])
        activities = context.get("contextActivities")
        if isinstance(activities, dict):
            context["contextActivities"] = {
                key: [_object_ids(item) for item in items]
                if isinstance(items, list)
                else _object_ids(items)
                for key, items in activities.items()
            }
        result["context"] = context
    return result


_LANGUAGE_MAPS = frozenset({"display", "name", "description"})


def _canonical(value: Any, languages: list[str], key: str = "") -> Any:
    """Every language map (verb display, definition name and description, interaction
    component and attachment descriptions) reduced to one language."""
    if isinstance(value, list):
        return [_canonical(item, languages) for item in value]
    if not isinstance(value, dict):
        return value
    if key in _LANGUAGE_MAPS and all(isinstance(text, str) for text in value.values()):
        return _best(value, languages)
    return {
        name: item if name == "extensions" else _canonical(item, languages, name)
        for name, item in value.items()
    }


def formatted(payload: str, form: str, languages: list[str]) -> str:
    """The stored statement text in the requested format (`exact`: unchanged)."""
    if form == "exact":
        return payload
    statement = json.loads(payload)
    if form == "ids":
        return json.dumps(_statement_ids(statement))
    return json.dumps(_canonical(statement, languages))
