"""A gradebook category names the kind of its scores, so a round trip keeps every kind."""

from __future__ import annotations

import pytest

from masterypath.evidence.models import EvidenceKind
from masterypath.interop.oneroster.gradebook import kind_of_category


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Summative", EvidenceKind.SUMMATIVE),
        ("exit_ticket", EvidenceKind.EXIT_TICKET),
        (str(EvidenceKind.PROJECT.label), EvidenceKind.PROJECT),
        ("Unit test", EvidenceKind.SUMMATIVE),
        ("Final exam", EvidenceKind.SUMMATIVE),
        ("Formative checks", EvidenceKind.FORMATIVE),
        ("", EvidenceKind.FORMATIVE),
    ],
)
def test_category_titles_name_kinds(title: str, kind: EvidenceKind) -> None:
    """Our own category names and labels map back exactly; tests and exams are summative."""
    assert kind_of_category(title) == kind
