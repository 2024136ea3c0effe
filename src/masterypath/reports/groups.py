"""Student groups for disaggregated reports: the federal reporting characteristics.

Each dimension partitions the students: every student is in exactly one group of it (a
student with nothing recorded is "Not reported", so the groups always add up to all students,
which is what complementary suppression relies on).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from masterypath.reports.models import Dimension
from masterypath.roster.models import Disability, FederalRace, Sex, Student

NOT_REPORTED = "not_reported"
GROUP_DIMENSIONS = (
    Dimension.RACE,
    Dimension.SEX,
    Dimension.ECONOMIC,
    Dimension.DISABILITY,
    Dimension.ENGLISH_LEARNER,
)
# The student fields a group needs, read once per student by the summary refresh.
STUDENT_FIELDS = (
    "is_hispanic_latino",
    "is_american_indian",
    "is_asian",
    "is_black",
    "is_pacific_islander",
    "is_white",
    "sex",
    "is_economically_disadvantaged",
    "disability",
    "is_english_learner",
)


@dataclass(frozen=True)
class Group:
    key: str
    label: str


GROUPS: dict[str, tuple[Group, ...]] = {
    Dimension.RACE: (
        *(Group(race.value, race.label) for race in FederalRace),
        Group(NOT_REPORTED, "Not reported"),
    ),
    Dimension.SEX: (
        Group(Sex.FEMALE.value, "Female"),
        Group(Sex.MALE.value, "Male"),
        Group(Sex.NON_BINARY.value, "Non-binary or not specified"),
        Group(NOT_REPORTED, "Not reported"),
    ),
    Dimension.ECONOMIC: (
        Group("yes", "Economically disadvantaged"),
        Group("no", "Not economically disadvantaged"),
    ),
    Dimension.DISABILITY: (
        Group(Disability.IEP.value, "IEP (special education)"),
        Group(Disability.SECTION_504.value, "Section 504 plan"),
        Group("none", "No IEP or 504 plan"),
    ),
    Dimension.ENGLISH_LEARNER: (
        Group("yes", "English learner"),
        Group("no", "Not an English learner"),
    ),
}


def dimension_label(dimension: str) -> str:
    return str(Dimension(dimension).label)


def group_label(dimension: str, key: str) -> str:
    for group in GROUPS[dimension]:
        if group.key == key:
            return group.label
    return key


def groups_of(fields: Mapping[str, object]) -> dict[str, str]:
    """The group of a student in every dimension, from the values of STUDENT_FIELDS."""
    race = Student(**{name: bool(fields[name]) for name in STUDENT_FIELDS[:6]}).federal_race
    sex = str(fields["sex"] or "")
    disability = str(fields["disability"] or "")
    return {
        Dimension.RACE: race.value if race is not None else NOT_REPORTED,
        Dimension.SEX: sex if sex in Sex.values else NOT_REPORTED,
        Dimension.ECONOMIC: "yes" if fields["is_economically_disadvantaged"] else "no",
        Dimension.DISABILITY: disability if disability in {"iep", "504"} else "none",
        Dimension.ENGLISH_LEARNER: "yes" if fields["is_english_learner"] else "no",
    }
