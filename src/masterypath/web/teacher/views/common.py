"""What the teacher pages share: the section's tabs and its continuum level."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from masterypath.evidence.selectors import default_level_for_section
from masterypath.roster.models import Section
from masterypath.web.inputs import MAX_LEVEL, query_level

LEVELS = range(MAX_LEVEL + 1)


def section_nav(section: Section, active: str) -> dict[str, Any]:
    """The context of the section's tab bar, with `active` marked."""
    return {"section": section, "active": active}


def section_level(request: HttpRequest, section: Section) -> int:
    """The continuum level asked for with ?level=, else the one the section works at."""
    level = query_level(request)
    return default_level_for_section(section=section) if level is None else level


def status_of(error: str) -> int:
    """413 for a refused upload size, 422 for another refusal, 200 without one."""
    if error.startswith("The file is"):
        return 413
    return 422 if error else 200
