"""Validation of statements against the xAPI 1.0.3 data rules (Data section 2.2-2.4, 4.5-4.6).

Every check raises `invalid(path, problem)`, so a 400 names the property that broke the rule,
e.g. `statements[2].result.score.scaled: must be between -1 and 1, got 1.5`. Checks are plain
Python over the decoded JSON: an LRS validates every statement, so the checker has to be fast.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from masterypath.interop.xapi.errors import invalid

VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# An absolute IRI: a scheme, a colon, then no whitespace, no angle brackets or quotes.
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")
_MBOX = re.compile(r"^mailto:[^@\s]+@[^@\s]+$")
_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9][\w!#$&^.+-]*/[A-Za-z0-9][\w!#$&^.+-]*(\s*;.*)?$")
_SHA2 = re.compile(r"^([0-9a-fA-F]{56}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128})$")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
# ISO 8601:2004 4.4.3.2: PnYnMnDTnHnMnS (any part may be left out, at least one given), or
# PnW alone; weeks do not combine with the other parts.
_DURATION = re.compile(
    r"^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?D)?"
    r"(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$|^P\d+(\.\d+)?W$"
)
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$")

MAX_NESTING = 64
"""How deep arrays and objects may nest in a request (a statement itself uses about ten levels).
The JSON parser and every later pass recurse once per level: far deeper input would exhaust
Python's stack (a RecursionError), so it is refused before anything parses it."""
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")

STATEMENT_KEYS = frozenset(
    {
        "id",
        "actor",
        "verb",
        "object",
        "result",
        "context",
        "timestamp",
        "stored",
        "authority",
        "version",
        "attachments",
    }
)
SUBSTATEMENT_KEYS = frozenset(
    {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"}
)
AGENT_KEYS = frozenset({"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"})
GROUP_KEYS = AGENT_KEYS | {"member"}
ACTIVITY_KEYS = frozenset({"objectType", "id", "definition"})
DEFINITION_KEYS = frozenset(
    {
        "name",
        "description",
        "type",
        "moreInfo",
        "extensions",
        "interactionType",
        "correctResponsesPattern",
        "choices",
        "scale",
        "source",
        "target",
        "steps",
    }
)
INTERACTION_TYPES = frozenset(
    {
        "true-false",
        "choice",
        "fill-in",
        "long-fill-in",
        "matching",
        "performance",
        "sequencing",
        "likert",
        "numeric",
        "other",
    }
)
INTERACTION_PROPERTIES = (
    "correctResponsesPattern",
    "choices",
    "scale",
    "source",
    "target",
    "steps",
)
# Which interaction types each list of interaction components belongs to (Data 2.4.4.1.s8).
COMPONENTS_OF = {
    "choices": ("choice", "sequencing"),
    "scale": ("likert",),
    "source": ("matching",),
    "target": ("matching",),
    "steps": ("performance",),
}
RESULT_KEYS = frozenset({"score", "success", "completion", "response", "duration", "extensions"})
SCORE_KEYS = frozenset({"scaled", "raw", "min", "max"})
CONTEXT_KEYS = frozenset(
    {
        "registration",
        "instructor",
        "team",
        "contextActivities",
        "revision",
        "platform",
        "language",
        "statement",
        "extensions",
    }
)
CONTEXT_ACTIVITY_KEYS = frozenset({"parent", "grouping", "category", "other"})
ATTACHMENT_KEYS = frozenset(
    {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}
)


@dataclass
class Checked:
    """What the store indexes about one valid statement."""

    verb_id: str
    actor_key: str
    activity_id: str
    timestamp: datetime | None
    registration: str | None
    voids: str | None
    object_ref: str | None = None
    related_activities: list[str] = field(default_factory=list)
    related_agents: list[str] = field(default_factory=list)


def _object(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid(path, "must be a JSON object")
    for key, item in value.items():
        if item is None:
            raise invalid(f"{path}.{key}", "must not be null")
    return value


def _keys(value: dict[str, Any], allowed: frozenset[str], path: str) -> None:
    extra = value.keys() - allowed
    if extra:
        raise invalid(f"{path}.{sorted(extra)[0]}", "is not an allowed property here")


def _string(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise invalid(path, "must be a string")
    return value


def _bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise invalid(path, "must be true or false")
    return value


def _number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid(path, "must be a number")
    return float(value)


def is_uuid(value: Any) -> bool:
    return isinstance(value, str) and _UUID.match(value) is not None


def _uuid(value: Any, path: str) -> str:
    if not is_uuid(value):
        raise invalid(path, f"must be a UUID, got {value!r}")
    return str(uuid.UUID(value))


def _iri(value: Any, path: str) -> str:
    if not isinstance(value, str) or not IRI.match(value):
        raise invalid(path, f"must be an absolute IRI (e.g. https://example.org/x), got {value!r}")
    return value


def _language_map(value: Any, path: str) -> None:
    _object(value, path)
    for tag, text in value.items():
        if not _LANGUAGE_TAG.match(tag):
            raise invalid(f"{path}.{tag}", "is not an RFC 5646 language tag")
        _string(text, f"{path}.{tag}")


def _extensions(value: Any, path: str) -> None:
    """Extension values are any JSON, null included; the keys are IRIs."""
    if not isinstance(value, dict):
        raise invalid(path, "must be a JSON object")
    for key in value:
        _iri(key, f"{path}[{key!r}]")


def parse_timestamp(value: Any, path: str) -> datetime:
    """An ISO 8601 date-time; without an offset it is read as UTC. `-00:00` is refused (4.5)."""
    if not isinstance(value, str) or not _TIMESTAMP.match(value):
        raise invalid(path, f"must be an ISO 8601 date-time, got {value!r}")
    if value.endswith(("-00:00", "-0000", "-00")):
        raise invalid(path, "must not use the offset -00:00")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise invalid(path, f"is not a valid date-time ({error})") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def nesting_check(text: str, path: str) -> None:
    """Refuse JSON text whose arrays and objects nest deeper than `MAX_NESTING`, without
    parsing it: strings are dropped, then the brackets left are counted."""
    if text.count("[") + text.count("{") <= MAX_NESTING:
        return
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    depth = 0
    for bracket in brackets:
        if bracket in "[{":
            depth += 1
            if depth > MAX_NESTING:
                raise invalid(
                    path,
                    f"arrays and objects are nested more than {MAX_NESTING} levels deep "
                    f"(the limit is {MAX_NESTING} levels)",
                )
        else:
            depth -= 1


def agent_key(agent: dict[str, Any]) -> str:
    """The agent's inverse functional identifier as one string (empty for anonymous groups)."""
    if "mbox" in agent:
        return f"mbox:{agent['mbox'].lower()}"
    if "mbox_sha1sum" in agent:
        return f"sha1:{agent['mbox_sha1sum'].lower()}"
    if "openid" in agent:
        return f"openid:{agent['openid']}"
    if "account" in agent:
        return f"account:{agent['account']['homePage']}|{agent['account']['name']}"
    return ""


def _ifi(agent: dict[str, Any], path: str, *, required: bool) -> str:
    present = [key for key in ("mbox", "mbox_sha1sum", "openid", "account") if key in agent]
    if len(present) > 1:
        raise invalid(path, f"must have exactly one identifier, has {', '.join(present)}")
    if not present:
        if required:
            raise invalid(path, "needs one identifier: mbox, mbox_sha1sum, openid or account")
        return ""
    kind = present[0]
    value = agent[kind]
    if kind == "mbox":
        if not isinstance(value, str) or not _MBOX.match(value):
            raise invalid(f"{path}.mbox", f"must be a mailto: IRI, got {value!r}")
    elif kind == "mbox_sha1sum":
        if not isinstance(value, str) or not _SHA1.match(value):
            raise invalid(f"{path}.mbox_sha1sum", "must be 40 hexadecimal characters")
    elif kind == "openid":
        _iri(value, f"{path}.openid")
    else:
        account = _object(value, f"{path}.account")
        _keys(account, frozenset({"homePage", "name"}), f"{path}.account")
        if "homePage" not in account or "name" not in account:
            raise invalid(f"{path}.account", "needs both homePage and name")
        _iri(account["homePage"], f"{path}.account.homePage")
        _string(account["name"], f"{path}.account.name")
    return agent_key(agent)


def object_type(value: dict[str, Any], path: str, default: str) -> str:
    """The `objectType` of an object (a string when present), or `default`."""
    kind = value.get("objectType", default)
    if not isinstance(kind, str):
        raise invalid(f"{path}.objectType", f"must be a string, got {kind!r}")
    return kind


def _agent(value: Any, path: str) -> str:
    agent = _object(value, path)
    _keys(agent, AGENT_KEYS, path)
    if object_type(agent, path, "Agent") != "Agent":
        raise invalid(f"{path}.objectType", "must be Agent")
    if "name" in agent:
        _string(agent["name"], f"{path}.name")
    return _ifi(agent, path, required=True)


def _actor(value: Any, path: str, agents: list[str]) -> str:
    """An Agent or a Group (identified, or anonymous with members); returns its key."""
    actor = _object(value, path)
    if object_type(actor, path, "Agent") != "Group":
        key = _agent(actor, path)
        agents.append(key)
        return key
    _keys(actor, GROUP_KEYS, path)
    if "name" in actor:
        _string(actor["name"], f"{path}.name")
    key = _ifi(actor, path, required=False)
    members = actor.get("member")
    if members is None:
        if not key:
            raise invalid(path, "an anonymous group needs a member list")
    else:
        if not isinstance(members, list):
            raise invalid(f"{path}.member", "must be an array of agents")
        if not key and not members:
            raise invalid(f"{path}.member", "an anonymous group needs at least one member")
        for index, member in enumerate(members):
            agents.append(_agent(member, f"{path}.member[{index}]"))
    if key:
        agents.append(key)
        return key
    return "group:" + ",".join(sorted(agents[-len(members or []) :]))


def _activity(value: Any, path: str) -> str:
    activity = _object(value, path)
    _keys(activity, ACTIVITY_KEYS, path)
    if object_type(activity, path, "Activity") != "Activity":
        raise invalid(f"{path}.objectType", "must be Activity")
    if "id" not in activity:
        raise invalid(path, "an activity needs an id")
    identifier = _iri(activity["id"], f"{path}.id")
    if "definition" in activity:
        _definition(activity["definition"], f"{path}.definition")
    return identifier


def _definition(value: Any, path: str) -> None:
    definition = _object(value, path)
    _keys(definition, DEFINITION_KEYS, path)
    for key in ("name", "description"):
        if key in definition:
            _language_map(definition[key], f"{path}.{key}")
    if "type" in definition:
        _iri(definition["type"], f"{path}.type")
    if "moreInfo" in definition:
        _iri(definition["moreInfo"], f"{path}.moreInfo")
    if "extensions" in definition:
        _extensions(definition["extensions"], f"{path}.extensions")
    interaction = definition.get("interactionType")
    if "interactionType" in definition and (
        not isinstance(interaction, str) or interaction not in INTERACTION_TYPES
    ):
        raise invalid(f"{path}.interactionType", f"must be one of {sorted(INTERACTION_TYPES)}")
    if "correctResponsesPattern" in definition:
        pattern = definition["correctResponsesPattern"]
        if not isinstance(pattern, list) or not all(isinstance(p, str) for p in pattern):
            raise invalid(f"{path}.correctResponsesPattern", "must be an array of strings")
    interaction_keys = [key for key in INTERACTION_PROPERTIES if key in definition]
    if interaction_keys and interaction is None:
        raise invalid(f"{path}.{interaction_keys[0]}", "is only allowed with an interactionType")
    for key in ("choices", "scale", "source", "target", "steps"):
        if key in definition:
            if interaction not in COMPONENTS_OF.get(key, ()):
                allowed = " or ".join(COMPONENTS_OF[key])
                raise invalid(f"{path}.{key}", f"is only allowed when interactionType is {allowed}")
            components = definition[key]
            if not isinstance(components, list):
                raise invalid(f"{path}.{key}", "must be an array of interaction components")
            seen: set[str] = set()
            for index, component in enumerate(components):
                item = _object(component, f"{path}.{key}[{index}]")
                _keys(item, frozenset({"id", "description"}), f"{path}.{key}[{index}]")
                identifier = _string(item.get("id"), f"{path}.{key}[{index}].id")
                if identifier in seen:
                    raise invalid(f"{path}.{key}[{index}].id", f"{identifier!r} appears twice")
                seen.add(identifier)
                if "description" in item:
                    _language_map(item["description"], f"{path}.{key}[{index}].description")


def _verb(value: Any, path: str) -> str:
    verb = _object(value, path)
    _keys(verb, frozenset({"id", "display"}), path)
    if "id" not in verb:
        raise invalid(path, "a verb needs an id")
    identifier = _iri(verb["id"], f"{path}.id")
    if "display" in verb:
        _language_map(verb["display"], f"{path}.display")
    return identifier


def _score(value: Any, path: str) -> None:
    score = _object(value, path)
    _keys(score, SCORE_KEYS, path)
    numbers = {key: _number(score[key], f"{path}.{key}") for key in SCORE_KEYS if key in score}
    if "scaled" in numbers and not -1 <= numbers["scaled"] <= 1:
        raise invalid(f"{path}.scaled", f"must be between -1 and 1, got {score['scaled']}")
    low, high, raw = numbers.get("min"), numbers.get("max"), numbers.get("raw")
    if low is not None and high is not None and not low < high:
        raise invalid(f"{path}.max", f"must be greater than min ({score['min']})")
    if raw is not None and low is not None and raw < low:
        raise invalid(f"{path}.raw", f"must not be below min ({score['min']}), got {score['raw']}")
    if raw is not None and high is not None and raw > high:
        raise invalid(f"{path}.raw", f"must not exceed max ({score['max']}), got {score['raw']}")


def _result(value: Any, path: str) -> None:
    result = _object(value, path)
    _keys(result, RESULT_KEYS, path)
    if "score" in result:
        _score(result["score"], f"{path}.score")
    for key in ("success", "completion"):
        if key in result:
            _bool(result[key], f"{path}.{key}")
    if "response" in result:
        _string(result["response"], f"{path}.response")
    if "duration" in result and (
        not isinstance(result["duration"], str) or not _DURATION.match(result["duration"])
    ):
        raise invalid(f"{path}.duration", "must be an ISO 8601 duration such as PT1M30S")
    if "extensions" in result:
        _extensions(result["extensions"], f"{path}.extensions")


def _statement_ref(value: dict[str, Any], path: str) -> str:
    _keys(value, frozenset({"objectType", "id"}), path)
    return _uuid(value.get("id"), f"{path}.id")


def _context(value: Any, path: str, checked: Checked, *, object_is_activity: bool) -> None:
    context = _object(value, path)
    _keys(context, CONTEXT_KEYS, path)
    if "registration" in context:
        checked.registration = _uuid(context["registration"], f"{path}.registration")
    if "instructor" in context:
        _actor(context["instructor"], f"{path}.instructor", checked.related_agents)
    if "team" in context:
        team = _object(context["team"], f"{path}.team")
        if object_type(team, f"{path}.team", "Agent") != "Group":
            raise invalid(f"{path}.team", "must be a Group")
        _actor(team, f"{path}.team", checked.related_agents)
    for key in ("revision", "platform"):
        if key in context:
            _string(context[key], f"{path}.{key}")
            if not object_is_activity:
                raise invalid(f"{path}.{key}", "is only allowed when the object is an Activity")
    if "language" in context:
        language = _string(context["language"], f"{path}.language")
        if not _LANGUAGE_TAG.match(language):
            raise invalid(f"{path}.language", "is not an RFC 5646 language tag")
    if "statement" in context:
        reference = _object(context["statement"], f"{path}.statement")
        if object_type(reference, f"{path}.statement", "") != "StatementRef":
            raise invalid(f"{path}.statement.objectType", "must be StatementRef")
        _statement_ref(reference, f"{path}.statement")
    if "extensions" in context:
        _extensions(context["extensions"], f"{path}.extensions")
    if "contextActivities" in context:
        activities = _object(context["contextActivities"], f"{path}.contextActivities")
        _keys(activities, CONTEXT_ACTIVITY_KEYS, f"{path}.contextActivities")
        for key, items in activities.items():
            listed = items if isinstance(items, list) else [items]
            for index, item in enumerate(listed):
                checked.related_activities.append(
                    _activity(item, f"{path}.contextActivities.{key}[{index}]")
                )


def _attachments(value: Any, path: str) -> None:
    if not isinstance(value, list):
        raise invalid(path, "must be an array")
    for index, item in enumerate(value):
        where = f"{path}[{index}]"
        attachment = _object(item, where)
        _keys(attachment, ATTACHMENT_KEYS, where)
        for key in ("usageType", "display", "contentType", "length", "sha2"):
            if key not in attachment:
                raise invalid(where, f"an attachment needs {key}")
        _iri(attachment["usageType"], f"{where}.usageType")
        _language_map(attachment["display"], f"{where}.display")
        if "description" in attachment:
            _language_map(attachment["description"], f"{where}.description")
        if not isinstance(attachment["length"], int) or isinstance(attachment["length"], bool):
            raise invalid(f"{where}.length", "must be an integer")
        content_type = attachment["contentType"]
        if not isinstance(content_type, str) or not _MEDIA_TYPE.match(content_type):
            raise invalid(f"{where}.contentType", f"must be a media type, got {content_type!r}")
        sha2 = attachment["sha2"]
        if not isinstance(sha2, str) or not _SHA2.match(sha2):
            raise invalid(f"{where}.sha2", "must be a SHA-2 digest in hexadecimal")
        if "fileUrl" in attachment:
            _iri(attachment["fileUrl"], f"{where}.fileUrl")


def _body(statement: dict[str, Any], path: str, checked: Checked, *, sub: bool) -> None:
    """The parts a statement and a sub-statement share: actor, verb, object, result, context."""
    for key in ("actor", "verb", "object"):
        if key not in statement:
            raise invalid(path, f"a statement needs {key}")
    key = _actor(statement["actor"], f"{path}.actor", checked.related_agents)
    verb = _verb(statement["verb"], f"{path}.verb")
    target = _object(statement["object"], f"{path}.object")
    kind = object_type(target, f"{path}.object", "Activity")
    object_is_activity = kind == "Activity"
    if not sub:
        checked.actor_key, checked.verb_id = key, verb
    if object_is_activity:
        activity = _activity(target, f"{path}.object")
        checked.related_activities.append(activity)
        if not sub:
            checked.activity_id = activity
    elif kind in {"Agent", "Group"}:
        _actor(target, f"{path}.object", checked.related_agents)
    elif kind == "StatementRef":
        reference = _statement_ref(target, f"{path}.object")
        if not sub:
            checked.object_ref = reference
        if not sub and verb == VOIDED_VERB:
            checked.voids = reference
    elif kind == "SubStatement":
        if sub:
            raise invalid(f"{path}.object", "a SubStatement must not contain a SubStatement")
        _keys(target, SUBSTATEMENT_KEYS, f"{path}.object")
        _body(target, f"{path}.object", checked, sub=True)
    else:
        raise invalid(f"{path}.object.objectType", f"unknown objectType {kind!r}")
    if verb == VOIDED_VERB and not sub and kind != "StatementRef":
        raise invalid(f"{path}.object", "a voiding statement's object must be a StatementRef")
    if "result" in statement:
        _result(statement["result"], f"{path}.result")
    if "context" in statement:
        _context(
            statement["context"],
            f"{path}.context",
            checked,
            object_is_activity=object_is_activity,
        )
    if "timestamp" in statement:
        moment = parse_timestamp(statement["timestamp"], f"{path}.timestamp")
        if not sub:
            checked.timestamp = moment
    if "attachments" in statement:
        _attachments(statement["attachments"], f"{path}.attachments")


def _authority(value: Any, path: str) -> None:
    """An Agent, or (OAuth) an anonymous Group of exactly two Agents, one of them the OAuth
    consumer named by an account (Data 2.4.9)."""
    _actor(value, path, [])
    if value.get("objectType") != "Group":
        return
    members = value.get("member") or []
    if _ifi(value, path, required=False) or len(members) != 2:
        raise invalid(path, "a Group as authority must be anonymous with exactly two Agents")
    if not any("account" in member for member in members):
        raise invalid(path, "a Group as authority needs the OAuth consumer (an account) as member")


def normalize(statement: dict[str, Any]) -> None:
    """What the LRS changes in a valid statement before storing it: a single context activity
    becomes an array of one (Data 2.4.6.2), in the statement and in a sub-statement."""
    for part in (statement, statement.get("object")):
        if not isinstance(part, dict):
            continue
        context = part.get("context")
        activities = context.get("contextActivities") if isinstance(context, dict) else None
        if isinstance(activities, dict):
            for key, items in activities.items():
                if isinstance(items, dict):
                    activities[key] = [items]


def statement_check(statement: Any, path: str = "statement") -> Checked:
    """Validate one statement; return what the store indexes. Raises XapiError (400)."""
    body = _object(statement, path)
    _keys(body, STATEMENT_KEYS, path)
    checked = Checked(
        verb_id="", actor_key="", activity_id="", timestamp=None, registration=None, voids=None
    )
    if "id" in body:
        _uuid(body["id"], f"{path}.id")
    if "version" in body:
        version = _string(body["version"], f"{path}.version")
        if not re.match(r"^1\.0(\.\d+)?$", version):
            raise invalid(f"{path}.version", f"must be 1.0.x, got {version!r}")
    if "stored" in body:
        parse_timestamp(body["stored"], f"{path}.stored")
    if "authority" in body:
        _authority(body["authority"], f"{path}.authority")
    _body(body, path, checked, sub=False)
    return checked
