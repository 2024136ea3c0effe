"""The demo's supports: a catalogue, interventions for struggling elementary students in
Mathematics, their sessions and probe checks, root causes, some closed with an outcome.

Planted so that the "what works, for whom" report has real findings: the students chosen are
the ones furthest behind (so a naive comparison makes every strategy look harmful); the
number-line small group adds about 0.4 of a level over ten weeks (extra proficient evidence on
each student's next targets), the fact-fluency app adds nothing, one-to-one tutoring adds more
but for too few students to show. Deterministic for a seed.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import numpy as np

from masterypath.accounts.actors import SystemActor
from masterypath.continuum.access import frameworks_visible_in_district
from masterypath.continuum.models import Domain, LearningTarget
from masterypath.evidence.models import EvidenceKind, EvidenceSource
from masterypath.evidence.services import EvidenceRow, evidence_record_many
from masterypath.interventions.models import (
    Intervention,
    Outcome,
    ProgressCheck,
    RootCauseScope,
    SessionLog,
    Strategy,
)
from masterypath.interventions.services import (
    intervention_start,
    participant_close,
    root_cause_record,
    strategy_create,
)
from masterypath.mastery.models import MasteryEstimate, Placement
from masterypath.mastery.services import mastery_refresh_pairs
from masterypath.roster.models import Staff, StaffRole, Student
from masterypath.schools.models import District

WEEKS = 10
# Extra share of the next level's targets made proficient during the period, per strategy.
PLANTED_GAIN = {"number_line": 0.45, "app": 0.0, "tutoring": 0.8}


def _catalogue(district: District, domain: Domain) -> dict[str, Strategy]:
    actor = SystemActor(district_id=district.pk, name="demo seed")
    specs = {
        "number_line": {
            "name": "Number-line small group",
            "tier": 2,
            "description": "Groups of four work fractions and place value on a number line, "
            "with a visual model before each symbol.",
            "sessions_per_week": 3,
            "session_minutes": 30,
            "duration_weeks": 12,
            "evidence_base": "Fuchs et al. (2013), fraction intervention built on the number line.",
            "delivered_by": "Classroom teacher or interventionist",
            "cost_per_student": Decimal("180"),
        },
        "app": {
            "name": "Math fact fluency app",
            "tier": 2,
            "description": "Twenty minutes of adaptive fact practice on a tablet.",
            "sessions_per_week": 4,
            "session_minutes": 20,
            "duration_weeks": 10,
            "evidence_base": "Vendor study (not peer reviewed).",
            "delivered_by": "Any staff member",
            "cost_per_student": Decimal("45"),
        },
        "tutoring": {
            "name": "One-to-one math tutoring",
            "tier": 3,
            "description": "Daily individual tutoring on the student's next targets.",
            "sessions_per_week": 5,
            "session_minutes": 30,
            "duration_weeks": 12,
            "evidence_base": "High-dosage tutoring (Nickow, Oreopoulos and Quan, 2020).",
            "delivered_by": "Counselor or interventionist",
            "cost_per_student": Decimal("950"),
        },
        "check_in": {
            "name": "Check-in/check-out",
            "tier": 2,
            "description": "A daily check-in with a trusted adult on goals and behaviour.",
            "sessions_per_week": 5,
            "session_minutes": 5,
            "duration_weeks": 8,
            "evidence_base": "Behavior Education Program (Crone, Hawken and Horner).",
            "delivered_by": "Counselor",
        },
    }
    return {
        key: strategy_create(actor=actor, district=district, domains=[domain], **spec)  # type: ignore[arg-type]
        for key, spec in specs.items()
    }


def _levels_on(students: list[Student], domain: Domain, on: date) -> dict[int, float]:
    rows = (
        Placement.objects.filter(student__in=students, domain=domain, placed_on__lte=on)
        .order_by("student_id", "placed_on")
        .values_list("student_id", "level")
    )
    return dict(rows)


def _boost_rows(
    *,
    picks: dict[int, float],
    domain: Domain,
    levels: dict[int, float],
    start: date,
    as_of: date,
    rng: np.random.Generator,
) -> list[EvidenceRow]:
    """Two advanced scores on the first not-yet-proficient targets of each student's working
    level, enough for `share` of that level's targets."""
    by_level: dict[int, list[int]] = defaultdict(list)
    for target_id, level in (
        LearningTarget.objects.filter(competency__domain=domain)
        .order_by("level", "competency__position", "pk")
        .values_list("pk", "level")
    ):
        by_level[level].append(target_id)
    proficient = set(
        MasteryEstimate.objects.filter(
            student_id__in=list(picks),
            target__competency__domain=domain,
            value__gte=3,
        ).values_list("student_id", "target_id")
    )
    span = max(1, (as_of - start).days - 7)
    rows = []
    for student_id, share in picks.items():
        if share <= 0:
            continue
        working = min(math.floor(levels.get(student_id, 0.0) + 1e-9) + 1, 12)
        open_targets = [t for t in by_level.get(working, []) if (student_id, t) not in proficient]
        count = min(len(open_targets), math.ceil(share * len(by_level.get(working, []))))
        for index, target_id in enumerate(open_targets[:count]):
            for repeat in range(2):
                day = start + timedelta(days=7 + int(span * (index + 0.5 * repeat) / max(count, 1)))
                rows.append(
                    EvidenceRow(
                        student_id=student_id,
                        target_id=target_id,
                        score=Decimal(4),
                        observed_at=datetime.combine(
                            min(day, as_of), time(15, int(rng.integers(0, 59))), UTC
                        ),
                        kind=EvidenceKind.FORMATIVE,
                        source=EvidenceSource.DEMO,
                        source_id=f"demo-intervention-{student_id}-{target_id}-{repeat}",
                        recorded_at=datetime.combine(min(day, as_of), time(16), UTC),
                    )
                )
    return rows


def add_interventions(*, district: District, as_of: date, seed: int) -> dict[str, int]:
    """Build the demo's supports (see the module docstring); returns counts."""
    rng = np.random.default_rng(seed + 1012)
    actor = SystemActor(district_id=district.pk, name="demo seed")
    domain = Domain.objects.filter(
        code="MATH", framework__in=frameworks_visible_in_district(district.pk)
    ).first()
    counselor = (
        Staff.objects.filter(district=district, role=StaffRole.COUNSELOR, school__grade_low=0)
        .select_related("school", "user")
        .order_by("pk")
        .first()
    )
    if domain is None or counselor is None or counselor.school is None:
        return {"strategies": 0, "interventions": 0}
    school = counselor.school
    teachers = list(Staff.objects.filter(school=school, role=StaffRole.TEACHER).order_by("pk")[:4])
    strategies = _catalogue(district, domain)
    start = as_of - timedelta(weeks=WEEKS)
    ends_on = start + timedelta(weeks=14)
    students = list(
        Student.objects.filter(school=school, grade_level__gte=2, is_active=True).order_by("pk")
    )
    levels = _levels_on(students, domain, start)
    gaps = sorted((levels[s.pk] - s.grade_level, s.pk, s) for s in students if s.pk in levels)
    # Students behind are likelier to get support the further behind they are, so that those
    # chosen differ from the others (selection) yet have look-alikes who were not chosen.
    struggling = [
        s for gap, _, s in gaps if gap < 0 and rng.random() < min(0.75, 0.2 + 0.35 * -gap)
    ][: max(12, len(students) // 3)]
    order = rng.permutation(len(struggling))
    tutoring = [struggling[i] for i in order[:5]]
    rest = [struggling[i] for i in order[5:]]
    number_line, app = rest[::2], rest[1::2]

    school_cause = root_cause_record(
        actor=actor,
        school=school,
        scope=RootCauseScope.SCHOOL,
        problem="Grades 2-5: a third of students are a grade or more behind in Mathematics.",
        whys=[
            "Students miss fraction and place-value targets.",
            "Lessons move to symbols before students have a visual model.",
            "The adopted units give one day to the number line.",
            "Pacing guides were written for coverage, not for mastery.",
        ],
        causes={
            "instruction": ["Few visual models", "Little small-group time"],
            "curriculum": ["Number line covered in one lesson"],
            "assessment": ["Unit tests only, no quick checks"],
            "structures": ["No intervention block in the schedule"],
            "attendance": ["Some students miss Monday math"],
        },
        root_cause="Units move to symbols before a visual model is secure.",
        held_on=start - timedelta(days=5),
        data_consulted="Placements per grade, the exception list, unit test items.",
        participants="Principal, counselor, grade 2-5 teachers",
        today=as_of,
    )
    made: list[tuple[Intervention, str]] = []

    def group_of(members: list[Student], size: int) -> list[list[Student]]:
        by_grade: dict[int, list[Student]] = defaultdict(list)
        for member in members:
            by_grade[member.grade_level].append(member)
        return [
            grade_members[i : i + size]
            for _, grade_members in sorted(by_grade.items())
            for i in range(0, len(grade_members), size)
        ]

    for key, members in (("number_line", number_line), ("app", app)):
        for index, group in enumerate(group_of(members, 4)):
            staff = counselor if index % 2 == 0 or not teachers else teachers[index % len(teachers)]
            made.append(
                (
                    intervention_start(
                        actor=actor,
                        strategy=strategies[key],
                        students=group,
                        staff=staff,
                        domain=domain,
                        starts_on=start,
                        ends_on=ends_on,
                        goal_on=ends_on,
                        goal_gain=0.5,
                        root_cause=school_cause,
                        today=start,
                    ),
                    key,
                )
            )
    for student in tutoring:
        cause = root_cause_record(
            actor=actor,
            school=school,
            scope=RootCauseScope.STUDENT,
            students=[student],
            problem=f"{student.given_name} has not moved up a level since spring.",
            whys=[
                "Scores stay at 'beginning' on grade-level targets.",
                "Earlier targets (place value) were never secure.",
                "Class lessons start at grade level, with no entry point.",
            ],
            causes={
                "instruction": ["No entry point below grade level in lessons"],
                "relationships": ["Avoids asking for help in the whole class"],
                "out_of_school": ["No quiet place for homework"],
            },
            root_cause="Gaps in earlier targets that whole-class lessons never revisit.",
            held_on=start - timedelta(days=3),
            data_consulted="Placement history, evidence timeline, attendance.",
            participants="Counselor, classroom teacher, family",
            today=as_of,
        )
        made.append(
            (
                intervention_start(
                    actor=actor,
                    strategy=strategies["tutoring"],
                    students=[student],
                    staff=counselor,
                    domain=domain,
                    starts_on=start,
                    ends_on=ends_on,
                    goal_on=ends_on,
                    goal_gain=0.7,
                    root_cause=cause,
                    today=start,
                ),
                "tutoring",
            )
        )

    # The planted growth, as evidence, then the estimates and today's placements again.
    picks = {
        p.student_id: PLANTED_GAIN[key] * float(rng.uniform(0.8, 1.2))
        for intervention, key in made
        for p in intervention.participants.all()
    }
    rows = _boost_rows(picks=picks, domain=domain, levels=levels, start=start, as_of=as_of, rng=rng)
    if rows:
        evidence_record_many(actor=actor, rows=rows, publish_event=False)
        mastery_refresh_pairs(pairs={(r.student_id, r.target_id) for r in rows}, on=as_of)

    # Sessions (fidelity: about 90% for the small groups and tutoring, 60% for the app),
    # fortnightly probe checks near each student's path, and outcomes for some.
    final = _levels_on(list(struggling), domain, as_of)
    sessions: list[SessionLog] = []
    checks: list[ProgressCheck] = []
    for intervention, key in made:
        held = 0.6 if key == "app" else 0.9
        per_week = intervention.strategy.sessions_per_week
        for week in range(WEEKS):
            for n in range(per_week):
                day = start + timedelta(days=7 * week + n)
                if day > as_of:
                    continue
                delivered = bool(rng.random() < held)
                sessions.append(
                    SessionLog(
                        intervention=intervention,
                        held_on=day,
                        minutes=intervention.strategy.session_minutes if delivered else 0,
                        was_delivered=delivered,
                        note="" if delivered else "Student absent or schedule clash",
                    )
                )
        for participant in intervention.participants.all():
            baseline = participant.baseline_level or 0.0
            gained = final.get(participant.student_id, baseline) - baseline
            for week in range(2, WEEKS + 1, 2):
                share = week / WEEKS
                checks.append(
                    ProgressCheck(
                        participant=participant,
                        checked_on=min(start + timedelta(weeks=week), as_of),
                        level=round(baseline + gained * share + float(rng.normal(0, 0.05)), 2),
                    )
                )
    SessionLog.objects.bulk_create(sessions)
    ProgressCheck.objects.bulk_create(checks)
    closed = 0
    for intervention, _key in made[::3]:
        for participant in intervention.participants.all():
            level = final.get(participant.student_id)
            met = level is not None and level >= participant.goal_level - 0.1
            participant_close(
                actor=actor,
                participant=participant,
                outcome=Outcome.MET if met else Outcome.NOT_MET,
                closed_on=as_of,
                final_level=level,
                today=as_of,
            )
            closed += 1
    return {
        "strategies": len(strategies),
        "interventions": len(made),
        "participants": len(picks),
        "closed": closed,
        "evidence": len(rows),
    }
