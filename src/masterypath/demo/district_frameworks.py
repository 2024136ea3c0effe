"""Two frameworks a demo district writes for itself: Science and Habits of Learning.

Targets are grouped in grade bands; each target sits at the first grade of its band and spans
the band (`level_high`). Statements (data/district_targets.csv) are the project's own wording.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

BANDS = {"K-2": (0, 2), "3-5": (3, 5), "6-8": (6, 8), "9-12": (9, 12)}


@dataclass(frozen=True)
class AuthoredTarget:
    domain: str
    competency: str
    band: str
    statement: str
    dok: int


SCIENCE_DOMAINS = {"SCI": ("Science", "academic")}
SCIENCE_COMPETENCIES = {
    "PS": "Physical Science",
    "LS": "Life Science",
    "ESS": "Earth and Space Science",
    "ETS": "Engineering Design",
}
HABITS_DOMAINS = {
    "HOL": ("Habits of Learning", "habits"),
    "SEL": ("Social-Emotional Learning", "sel"),
    "EMP": ("Employability", "employability"),
}
HABITS_COMPETENCIES = {
    "PER": "Perseverance",
    "SDL": "Self-Direction",
    "COL": "Collaboration",
    "SAW": "Self-Awareness",
    "REL": "Relationship Skills",
    "CAR": "Career Readiness",
}
HABITS_DOMAIN_OF = {
    "PER": "HOL",
    "SDL": "HOL",
    "COL": "HOL",
    "SAW": "SEL",
    "REL": "SEL",
    "CAR": "EMP",
}


def _load(framework: str) -> list[AuthoredTarget]:
    path = Path(__file__).resolve().parent / "data" / "district_targets.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            AuthoredTarget(
                row["domain"], row["competency"], row["band"], row["statement"], int(row["dok"])
            )
            for row in csv.DictReader(handle)
            if row["framework"] == framework
        ]


SCIENCE = _load("science")
HABITS = _load("habits")
