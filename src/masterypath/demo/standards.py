"""Build the demo's Common Core Math and ELA frameworks from the Common Standards Project JSON.

The files (see data/SOURCES.md) hold one document per standard with its dot-notation code,
statement, grade levels and the official GUID. A framework here has one domain (the content
area), competencies for the CCSS domains or strands, and one learning target per standard with
its grade as the continuum level; lettered sub-standards become children of their standard.
"""

from __future__ import annotations

import html
import json
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

_MATH_K8 = re.compile(r"^Math\.(K|\d+)\.([A-Z]+)\.(\d+)([a-z])?$")
_MATH_HS = re.compile(r"^Math\.HS([NAFGS])-([A-Z]+)\.(\d+)([a-z])?$")
_ELA = re.compile(r"^CCSS\.ELA-Literacy\.(RL|RI|RF|W|SL|L)\.(K|\d+|9-10|11-12)\.(\d+)([a-z])?$")
_TAG = re.compile(r"<[^>]+>")

# High-school standards sit at the grade of the course that teaches them in the traditional
# pathway of CCSS Appendix A (Algebra I in 9, Geometry in 10, Algebra II in 11).
_HS_LEVEL = {
    "N-RN": 9,
    "N-Q": 9,
    "A-SSE": 9,
    "A-CED": 9,
    "A-REI": 9,
    "F-IF": 9,
    "F-BF": 9,
    "F-LE": 9,
    "S-ID": 9,
    "G-CO": 10,
    "G-SRT": 10,
    "G-C": 10,
    "G-GPE": 10,
    "G-GMD": 10,
    "G-MG": 10,
    "N-CN": 11,
    "N-VM": 11,
    "A-APR": 11,
    "F-TF": 11,
    "S-IC": 11,
    "S-CP": 11,
    "S-MD": 11,
}
_HS_CATEGORY = {
    "N": "High School: Number and Quantity",
    "A": "High School: Algebra",
    "F": "High School: Functions",
    "G": "High School: Geometry",
    "S": "High School: Statistics and Probability",
}
_ELA_STRANDS = {
    "RL": "Reading: Literature",
    "RI": "Reading: Informational Text",
    "RF": "Reading: Foundational Skills",
    "W": "Writing",
    "SL": "Speaking and Listening",
    "L": "Language",
}


@dataclass(frozen=True)
class StandardRow:
    competency_code: str
    competency_title: str
    code: str
    parent_code: str | None
    statement: str
    level: int
    level_high: int | None
    guid: str
    uri: str


def _clean(text: str) -> str:
    return _TAG.sub("", html.unescape(html.unescape(text or ""))).replace("★", "").strip()


def _grade(grade: str) -> int:
    return 0 if grade == "K" else int(grade.split("-")[0])


def _as_uuid(guid: str) -> str:
    try:
        return str(uuid.UUID(hex=guid))
    except (ValueError, TypeError):
        return ""


def math_standards() -> list[StandardRow]:
    documents = json.loads((DATA_DIR / "CC-math-0.8.0.json").read_text(encoding="utf-8"))
    titles = {"G": "Geometry", "F": "Functions"}  # their folders carry no code in the file
    titles |= {
        doc["code"].removeprefix("Math."): _clean(doc.get("statement", ""))
        for doc in documents
        if doc.get("cls") == "folder" and doc.get("code")
    }
    rows = []
    for doc in documents:
        code = doc.get("code") or ""
        if doc.get("cls") == "folder":
            continue
        short = code.removeprefix("Math.")
        if match := _MATH_K8.match(code):
            grade, domain, number, letter = match.groups()
            competency_code, competency_title = domain, titles.get(domain, domain)
            level = _grade(grade)
            parent = f"{grade}.{domain}.{number}" if letter else None
        elif match := _MATH_HS.match(code):
            category, domain, number, letter = match.groups()
            competency_code, competency_title = f"HS{category}", _HS_CATEGORY[category]
            level = _HS_LEVEL[f"{category}-{domain}"]
            parent = f"HS{category}-{domain}.{number}" if letter else None
        else:
            continue
        ccss = doc.get("CCSS") or {}
        rows.append(
            StandardRow(
                competency_code=competency_code,
                competency_title=competency_title,
                code=short,
                parent_code=parent,
                statement=_clean(doc.get("statement", "")),
                level=level,
                level_high=None,
                guid=_as_uuid(ccss.get("GUID") or doc.get("id", "")),
                uri=ccss.get("URI") or "",
            )
        )
    return rows


def ela_standards() -> list[StandardRow]:
    documents = json.loads((DATA_DIR / "CC-literacy-0.8.0.json").read_text(encoding="utf-8"))
    rows = []
    for doc in documents:
        code = doc.get("code") or ""
        match = _ELA.match(code)
        if not match:
            continue
        strand, grade, number, letter = match.groups()
        level = _grade(grade)
        level_high = int(grade.split("-")[1]) if "-" in grade else None
        ccss = doc.get("CCSS") or {}
        rows.append(
            StandardRow(
                competency_code=strand,
                competency_title=_ELA_STRANDS[strand],
                code=code.removeprefix("CCSS.ELA-Literacy."),
                parent_code=f"{strand}.{grade}.{number}" if letter else None,
                statement=_clean(doc.get("statement", "")),
                level=level,
                level_high=level_high,
                guid=_as_uuid(doc.get("id", "")),
                uri=ccss.get("URI") or "",
            )
        )
    return rows
