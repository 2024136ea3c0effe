"""How well the exception rules find what the demo generator planted.

Two kinds of truth, both from the seed's own record (`PlantedProfile`):

* the **profile** each student was drawn with (steady, slowing, behind, rapid, split): the
  share of students a rule lists is compared with the share of its profile;
* the **latent truth**: the same rules applied to the generator's latent growth curve
  ``L(t) = start + rate * min(t, break) + late_rate * max(t - break, 0)`` (t in years since
  the demo's origin) in Mathematics, English Language Arts and Science, sampled on the days the
  student was assessed. That is what the rules would list if evidence measured the latent level
  exactly; precision and recall of the stored lists against it measure the evidence, not the
  rules' definitions. (A split student's weak domain can be two years behind; a slowing student
  whose slow-down began in late October is not slowing yet: the latent truth says so, the
  profile does not.)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from masterypath.demo.models import PlantedProfile
from masterypath.earlywarning.models import ExceptionHit
from masterypath.earlywarning.selectors import (
    student_records_for_district,
    thresholds_for_district,
)
from masterypath.engine.exceptions import Rule, StudentRecord, detect
from masterypath.schools.models import District

LATENT_DOMAINS = {"Mathematics": "math", "English Language Arts": "ela", "Science": "science"}
PROFILE_OF_RULE: dict[Rule, str | None] = {
    Rule.TWO_BELOW: "behind",
    Rule.SEVERAL_DOMAINS: "behind",
    Rule.RAPID: "rapid",
    Rule.SLOWING: "slowing",
    Rule.NOT_PROGRESSING: "slowing",
    Rule.NO_RECENT_EVIDENCE: None,  # a coverage gap of the teaching, not a learner profile
    # Attendance and behaviour are recorded, not latent: their truth is the record itself.
    Rule.CHRONIC_ABSENCE: None,
    Rule.INCIDENTS: None,
}


@dataclass(frozen=True, slots=True)
class RuleCalibration:
    rule: Rule
    students: int
    share: float  # % of students listed
    profile: str | None
    profile_share: float | None  # % of students with the rule's planted profile
    profile_precision: float | None
    profile_recall: float | None
    truth_share: float  # % listed by the rule on the latent curves
    precision: float | None  # against the latent truth
    recall: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": str(self.rule),
            "students": self.students,
            "share": self.share,
            "profile": self.profile,
            "profile_share": self.profile_share,
            "profile_precision": self.profile_precision,
            "profile_recall": self.profile_recall,
            "truth_share": self.truth_share,
            "precision": self.precision,
            "recall": self.recall,
        }


def latent_level(latent: dict[str, Any], key: str, day: date) -> float:
    """The generator's latent level of a student in a domain on ``day``."""
    t = (day - date.fromisoformat(latent["origin"])).days / 365.25
    brk = float(latent["break_at"])
    return float(
        latent["start"][key]
        + latent["rate"][key] * min(t, brk)
        + latent["late_rate"][key] * max(t - brk, 0.0)
    )


def latent_records(
    records: list[StudentRecord], latents: dict[int, dict[str, Any]]
) -> list[StudentRecord]:
    """The records with each assessed day's position replaced by the latent level."""
    return [
        replace(
            record,
            domains=tuple(
                replace(
                    domain,
                    positions=tuple(
                        (
                            day,
                            latent_level(
                                latents[record.student_id], LATENT_DOMAINS[domain.domain], day
                            ),
                        )
                        for day, _ in domain.positions
                    ),
                )
                for domain in record.domains
                if domain.domain in LATENT_DOMAINS
            ),
        )
        for record in records
        if record.student_id in latents
    ]


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def calibration_for_district(*, district: District, as_of: date) -> list[RuleCalibration]:
    """Each rule's stored list against the planted profiles and the latent truth."""
    planted = {
        row.student_id: (row.profile, row.latent)
        for row in PlantedProfile.objects.filter(student__district=district)
    }
    records = student_records_for_district(district=district, as_of=as_of)
    truth_hits = detect(
        latent_records(records, {pk: latent for pk, (_, latent) in planted.items()}),
        as_of=as_of,
        thresholds=thresholds_for_district(district=district),
    )
    truth: dict[str, set[int]] = defaultdict(set)
    for hit in truth_hits:
        truth[str(hit.rule)].add(hit.student_id)
    listed: dict[str, set[int]] = defaultdict(set)
    for rule, student_id in ExceptionHit.objects.filter(district=district).values_list(
        "rule", "student_id"
    ):
        listed[rule].add(student_id)
    total = len(records)
    rows = []
    for rule in Rule:
        found = listed[str(rule)]
        profile = PROFILE_OF_RULE[rule]
        wanted = {pk for pk, (name, _) in planted.items() if name == profile}
        true = truth[str(rule)]
        rows.append(
            RuleCalibration(
                rule=rule,
                students=len(found),
                share=100.0 * len(found) / total if total else 0.0,
                profile=profile,
                profile_share=100.0 * len(wanted) / total if profile and total else None,
                profile_precision=_ratio(len(found & wanted), len(found)) if profile else None,
                profile_recall=_ratio(len(found & wanted), len(wanted)) if profile else None,
                truth_share=100.0 * len(true) / total if total else 0.0,
                precision=_ratio(len(found & true), len(found)),
                recall=_ratio(len(found & true), len(true)),
            )
        )
    return rows
