"""Statements with attachments sent as multipart/mixed (Communication 1.5.2, Data 2.4.11) and
signed statements (Data 2.6): reading the parts, checking them, and writing a multipart answer.

A request is `multipart/mixed; boundary=...`; its first part is the statement (or the array of
statements) as `application/json`; every other part is the raw data of one attachment, with
`Content-Transfer-Encoding: binary` and `X-Experience-API-Hash` = the attachment's `sha2`.
The data's SHA-2 (224, 256, 384 or 512 bits, by the length of `sha2`) must equal that hash,
every part must belong to an attachment of the statements, and every attachment without a
`fileUrl` must have its part.

A signed statement has an attachment of usageType `.../attachments/signature` whose data is a
JWS in compact form (`header.payload.signature`, base64url). Checked: contentType
`application/octet-stream`; the header's `alg` is RS256, RS384 or RS512; the payload is JSON and
equals the statement without its `attachments` (and without what the LRS sets). The RSA
signature itself is verified only when a public key is at hand, which xAPI leaves to the
sender's `x5c` certificate chain; this LRS does not verify certificate chains (docs/xapi.md).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any

from masterypath.interop.xapi.errors import invalid

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
SIGNATURE_ALGORITHMS = frozenset({"RS256", "RS384", "RS512"})
_HASHES = {56: hashlib.sha224, 64: hashlib.sha256, 96: hashlib.sha384, 128: hashlib.sha512}
_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)
# What the LRS sets or may set; a signature's payload need not hold them.
_LRS_SET = ("attachments", "authority", "stored", "version", "id", "timestamp")


@dataclass(frozen=True)
class Part:
    headers: dict[str, str]  # names lower-cased
    content: bytes


def boundary_of(content_type: str) -> str:
    match = _BOUNDARY.search(content_type)
    if not match:
        raise invalid("Content-Type", "multipart/mixed needs a boundary")
    return match.group(1).strip()


def parts_of(body: bytes, boundary: str) -> list[Part]:
    """The parts of a multipart body (RFC 2046), preamble and epilogue left out."""
    delimiter = b"\r\n--" + boundary.encode("latin-1")
    chunks = (b"\r\n" + body).split(delimiter)
    if len(chunks) < 3:
        raise invalid("body", "is not multipart/mixed with the boundary of its Content-Type")
    parts: list[Part] = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk.removeprefix(b"\r\n")
        if chunk.startswith(b"\r\n"):
            head, content = b"", chunk[2:]
        else:
            head, sep, content = chunk.partition(b"\r\n\r\n")
            if not sep:
                raise invalid("body", "a multipart part has no blank line after its headers")
        headers: dict[str, str] = {}
        for line in head.decode("latin-1").split("\r\n"):
            name, colon, value = line.partition(":")
            if colon:
                headers[name.strip().lower()] = value.strip()
        parts.append(Part(headers=headers, content=content))
    else:
        raise invalid("body", "the multipart body has no closing boundary")
    if not parts:
        raise invalid("body", "the multipart body has no parts")
    return parts


def _media_type(value: str) -> str:
    return value.split(";")[0].strip().lower()


def statements_part(parts: list[Part]) -> bytes:
    first = parts[0]
    if _media_type(first.headers.get("content-type", "")) != "application/json":
        raise invalid("body", "the first part of a multipart request must be application/json")
    return first.content


def attachment_parts(parts: list[Part]) -> dict[str, Part]:
    """The attachment parts by their hash, each checked against its data."""
    found: dict[str, Part] = {}
    for index, part in enumerate(parts[1:], start=1):
        where = f"part {index + 1}"
        digest = part.headers.get("x-experience-api-hash", "").lower()
        if not digest:
            raise invalid(where, "an attachment part needs the X-Experience-API-Hash header")
        encoding = part.headers.get("content-transfer-encoding", "").lower()
        if encoding != "binary":
            raise invalid(where, "an attachment part needs Content-Transfer-Encoding: binary")
        algorithm = _HASHES.get(len(digest))
        if algorithm is None or algorithm(part.content).hexdigest() != digest:
            raise invalid(where, "its data does not match its X-Experience-API-Hash (sha2)")
        found[digest] = part
    return found


def _attachments_of(statements: list[Any]) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = []
    for statement in statements:
        if not isinstance(statement, dict):
            continue
        for part in (statement, statement.get("object")):
            if isinstance(part, dict) and isinstance(part.get("attachments"), list):
                listed.extend(a for a in part["attachments"] if isinstance(a, dict))
    return listed


def check_parts(statements: list[Any], parts: dict[str, Part]) -> None:
    """Every attachment without fileUrl has its part; every part has its attachment; each
    signature is a well-formed JWS of its statement. Run after the statements validate."""
    wanted = {
        str(a.get("sha2", "")).lower() for a in _attachments_of(statements) if "fileUrl" not in a
    }
    declared = {str(a.get("sha2", "")).lower() for a in _attachments_of(statements)}
    missing = wanted - set(parts)
    if missing:
        raise invalid("attachments", f"no part holds the attachment with sha2 {min(missing)}")
    extra = set(parts) - declared
    if extra:
        raise invalid("attachments", f"the part with hash {min(extra)} belongs to no attachment")
    for index, statement in enumerate(statements):
        for attachment in statement.get("attachments") or []:
            if attachment.get("usageType") == SIGNATURE:
                part = parts.get(str(attachment.get("sha2", "")).lower())
                _check_signature(statement, attachment, part, f"statements[{index}]")


def refuse_missing_data(statements: list[Any]) -> None:
    """An application/json request cannot carry attachment data: each needs a fileUrl."""
    for attachment in _attachments_of(statements):
        if "fileUrl" not in attachment:
            raise invalid(
                "attachments",
                "an attachment without fileUrl must be sent as multipart/mixed with its data",
            )


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _check_signature(
    statement: dict[str, Any], attachment: dict[str, Any], part: Part | None, path: str
) -> None:
    where = f"{path}.attachments (signature)"
    if _media_type(str(attachment.get("contentType", ""))) != "application/octet-stream":
        raise invalid(where, "a signature's contentType must be application/octet-stream")
    if part is None:
        raise invalid(where, "the signature's data is missing")
    pieces = part.content.decode("ascii", "replace").strip().split(".")
    if len(pieces) != 3 or not all(pieces):
        raise invalid(where, "the signature is not a JWS in compact serialization")
    try:
        header = json.loads(_b64url(pieces[0]))
        payload = json.loads(_b64url(pieces[1]))
        _b64url(pieces[2])
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise invalid(where, "the JWS header or payload is not base64url JSON") from error
    if not isinstance(header, dict) or header.get("alg") not in SIGNATURE_ALGORITHMS:
        raise invalid(where, "the JWS algorithm must be RS256, RS384 or RS512")
    if not isinstance(payload, dict):
        raise invalid(where, "the JWS payload must be the statement")
    signed = {k: v for k, v in payload.items() if k not in _LRS_SET}
    sent = {k: v for k, v in statement.items() if k not in _LRS_SET}
    if signed != sent:
        raise invalid(where, "the JWS payload differs from the statement")
    for key in ("id", "timestamp"):
        if key in payload and key in statement and payload[key] != statement[key]:
            raise invalid(where, f"the JWS payload's {key} differs from the statement's")


def multipart_response(
    json_body: str, attachments: list[tuple[str, str, bytes]]
) -> tuple[bytes, str]:
    """A multipart/mixed body: the JSON first, then each (sha2, content type, data)."""
    boundary = "xapi-" + secrets.token_hex(12)
    chunks = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode()]
    chunks.append(json_body.encode())
    for sha2, content_type, data in attachments:
        chunks.append(
            (
                f"\r\n--{boundary}\r\nContent-Type: {content_type}\r\n"
                f"Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n"
            ).encode()
        )
        chunks.append(data)
    chunks.append(f"\r\n--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/mixed; boundary={boundary}"


def sha2s_in(payloads: list[str]) -> list[str]:
    """The sha2 of every attachment of these stored statements, in order, once each."""
    seen: dict[str, None] = {}
    for payload in payloads:
        for attachment in _attachments_of([json.loads(payload)]):
            if "sha2" in attachment:
                seen.setdefault(str(attachment["sha2"]).lower(), None)
    return list(seen)
