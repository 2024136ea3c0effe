"""How CASE items map onto the continuum: CFItemType vocabularies, grade levels, codes.

Published packages name their item types inconsistently ("Domain", "Cluster", "Standard",
"Component", "Claim", "Target", "Measured Skill", "Stem", or nothing at all), so the type only
steers and the hierarchy decides:

- a top-level grouping becomes a **domain**; a grouping that directly holds targets becomes a
  **competency** (a top-level one is both: its targets get a competency of the same name);
  groupings in between are kept in the CASE tables and in exports but add no continuum row;
- an item typed as a target, or any item without children and without a grouping type, becomes
  a **learning target**; items below a target become its child targets (CCSS components);
- supporting text (Smarter Balanced item specifications: clarifications, stems, task models,
  rubric notes, examples) is kept but is not a target, and neither is anything below it.
"""

from __future__ import annotations

import re

DOMAIN_TYPES = frozenset(
    {
        "domain",
        "strand",
        "claim",
        "conceptual category",
        "content area",
        "subject",
        "discipline",
        "category",
        "grade level",
        "grade",
        "course",
        "framework",
    }
)
GROUPING_TYPES = frozenset(
    {
        "cluster",
        "standard group",
        "topic",
        "sub-strand",
        "substrand",
        "unit",
        "competency",
        "big idea",
        "theme",
        "sub-claim",
        "subclaim",
        "section",
        "standard category",
    }
)
TARGET_TYPES = frozenset(
    {
        "standard",
        "target",
        "component",
        "objective",
        "learning target",
        "indicator",
        "benchmark",
        "element",
        "expectation",
        "skill",
        "measured skill",
        "performance expectation",
        "learning objective",
        "sub-standard",
        "substandard",
        "performance indicator",
        "outcome",
        "practice",
        "learning outcome",
        "competency statement",
    }
)
SUPPORT_TYPES = frozenset(
    {
        "clarification",
        "section heading",
        "evidence required",
        "general requirements",
        "accessibility",
        "task model",
        "task description",
        "example",
        "rubric",
        "stimulus",
        "stem",
        "item type",
        "response type",
        "note",
        "notes",
        "exemplar",
        "sample",
        "scoring",
        "dual-text stimuli",
        "appropriate stimuli",
        "key/distractor analysis",
    }
)

GRADE_WORDS = {"PK": -1, "PR": -1, "TK": -1, "IT": -1, "KG": 0, "K": 0}
GRADE_BANDS = {"HS": (9, 12), "MS": (6, 8), "ES": (0, 5)}


def type_kind(item_type: str) -> str | None:
    """'domain', 'grouping', 'target', 'support', or None when the type says nothing."""
    name = item_type.strip().lower()
    if not name:
        return None
    for kind, names in (
        ("support", SUPPORT_TYPES),
        ("target", TARGET_TYPES),
        ("domain", DOMAIN_TYPES),
        ("grouping", GROUPING_TYPES),
    ):
        if name in names:
            return kind
    return None


def grade_values(levels: list[str]) -> tuple[list[int], list[str]]:
    """Grades (0 = K) named by CASE educationLevel values, and the values not understood."""
    grades: list[int] = []
    unknown: list[str] = []
    for raw in levels:
        for part in re.split(r"[,;|\s]+|(?<=\d)\.(?=\d)", raw.strip()):
            value = part.strip().upper()
            if not value:
                continue
            if value in GRADE_WORDS:
                grades.append(GRADE_WORDS[value])
            elif value in GRADE_BANDS:
                low, high = GRADE_BANDS[value]
                grades.extend((low, high))
            elif value.isdigit() and 1 <= int(value) <= 12:
                grades.append(int(value))
            else:
                unknown.append(part)
    return grades, unknown


def level_code(grade: int) -> str:
    """The CASE educationLevel value of a grade (KG, 01..12, PK)."""
    if grade == 0:
        return "KG"
    if grade < 0:
        return "PK"
    return f"{grade:02d}"


def short_code(identifier: str) -> str:
    """A readable code for an item that has no humanCodingScheme."""
    tail = identifier.rstrip("/").rsplit("/", 1)[-1]
    return tail[:8] if len(tail) > 12 else tail


def unique_code(code: str, taken: set[str], limit: int) -> str:
    code = (code or "item")[:limit]
    candidate, number = code, 2
    while candidate in taken:
        suffix = f"~{number}"
        candidate = code[: limit - len(suffix)] + suffix
        number += 1
    taken.add(candidate)
    return candidate
