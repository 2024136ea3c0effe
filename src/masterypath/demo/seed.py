"""Build the demo district: schools, people, classes, four frameworks and two years of evidence.

Everything is drawn from one seeded generator, so the same seed gives the same district. Evidence
comes from a latent model of each student's growth per domain, so that reports find real cases:
steady progress, slowing down, two or more levels behind, advancing rapidly, and students strong
in one domain and weak in another (see docs/data-model.md, "The demo district").
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

import numpy as np
from django.contrib.auth.hashers import make_password
from django.db import transaction

from masterypath.accounts.actors import SystemActor
from masterypath.accounts.models import Role, User
from masterypath.accounts.services import user_username_set, users_create_many
from masterypath.common.audit import audit_record
from masterypath.common.models import AuditAction
from masterypath.continuum.models import (
    Competency,
    Framework,
    LearningTarget,
    PerformanceLevel,
    TargetLink,
)
from masterypath.continuum.services import (
    competencies_create_many,
    competency_create,
    continuum_revision_bump,
    domain_create,
    framework_create,
    scale_create,
    target_links_create_many,
    targets_create_many,
)
from masterypath.demo import district_frameworks as authored
from masterypath.demo.early_warning import early_warning_demo
from masterypath.demo.feedback import add_family_feedback
from masterypath.demo.flexible_groups import add_demo_groups
from masterypath.demo.interventions import add_interventions
from masterypath.demo.people import draw_adult_name, draw_race, draw_student, surname_for
from masterypath.demo.plans import add_plans
from masterypath.demo.standards import StandardRow, ela_standards, math_standards
from masterypath.evidence.models import Assessment, EvidenceKind, EvidenceSource
from masterypath.evidence.services import EvidenceRow, evidence_record_many
from masterypath.evidence.services.writes import (
    assessment_targets_add_many,
    assessments_create_many,
)
from masterypath.mastery.services import mastery_recompute
from masterypath.roster.models import (
    Course,
    Enrollment,
    EnrollmentRole,
    Guardian,
    GuardianLink,
    Relationship,
    Section,
    Staff,
    StaffRole,
    Student,
)
from masterypath.roster.services import (
    courses_create_many,
    enrollments_create_many,
    guardian_links_create_many,
    guardians_create_many,
    sections_create_many,
    staff_create_many,
    students_create_many,
)
from masterypath.schools.models import AcademicSession, District, School, SessionType
from masterypath.schools.services import academic_session_create, district_create, school_create

DISTRICT_NAME = "Riverbend Unified School District"
DEMO_PASSWORD = "masterypath-demo"  # noqa: S105 - printed by `make demo` on purpose
DEMO_LOGINS = {
    Role.STUDENT: "demo-student",
    Role.GUARDIAN: "demo-guardian",
    Role.TEACHER: "demo-teacher",
    Role.COUNSELOR: "demo-counselor",
    Role.PRINCIPAL: "demo-principal",
    Role.DISTRICT_ADMIN: "demo-admin",
}
DEFAULT_AS_OF = date(2026, 11, 20)
TIMEZONE = ZoneInfo("America/New_York")
SCHOOLS = [
    ("Riverbend Elementary School", 0, 5),
    ("Cedar Hollow Middle School", 6, 8),
    ("Riverbend High School", 9, 12),
]
SUBJECTS = ("math", "ela", "science")
HOMEROOM_SIZE = 25
# Assessments per section in a full school year, and targets each one scores per student.
ASSESSMENTS_PER_YEAR = {"math": 28, "ela": 28, "science": 12, "habits": 12}
TARGETS_PER_ASSESSMENT = {"math": 3, "ela": 3, "science": 3, "habits": 2}
KIND_SHARES = {
    EvidenceKind.FORMATIVE: 0.40,
    EvidenceKind.SUMMATIVE: 0.20,
    EvidenceKind.EXIT_TICKET: 0.15,
    EvidenceKind.QUIZ: 0.15,
    EvidenceKind.PROJECT: 0.05,
    EvidenceKind.DIAGNOSTIC: 0.05,
}
# Learner profiles of the latent growth model and their shares.
PROFILE_SHARES = {"steady": 0.64, "slowing": 0.09, "behind": 0.09, "rapid": 0.07, "split": 0.11}
COURSE_TITLES = {
    ("math", 9): "Algebra I",
    ("math", 10): "Geometry",
    ("math", 11): "Algebra II",
    ("math", 12): "Precalculus",
    ("ela", 9): "English 9",
    ("ela", 10): "English 10",
    ("ela", 11): "English 11",
    ("ela", 12): "English 12",
    ("science", 9): "Biology",
    ("science", 10): "Chemistry",
    ("science", 11): "Physics",
    ("science", 12): "Earth Systems",
}
SCORES = {value: Decimal(value) for value in range(1, 5)}
PROFICIENT = 3
SUBJECT_TITLES = {"math": "Mathematics", "ela": "English Language Arts", "science": "Science"}


@dataclass
class Latent:
    """A student's latent continuum level per domain: L(t) = start + rate * t (t in years),
    with the rate falling to `late_rate` after `break_at` years for slowing students."""

    start: dict[str, float]
    rate: dict[str, float]
    late_rate: dict[str, float]
    break_at: float
    profile: str = "steady"

    def level(self, domain: str, t_years: float) -> float:
        early = min(t_years, self.break_at)
        late = max(t_years - self.break_at, 0.0)
        return self.start[domain] + self.rate[domain] * early + self.late_rate[domain] * late


@dataclass
class YearPlan:
    end_year: int
    starts_on: date
    ends_on: date
    session: AcademicSession | None = None
    school_days: list[date] = field(default_factory=list)


@dataclass
class SeedReport:
    counts: dict[str, int]
    logins: dict[str, str]


def _school_days(starts_on: date, ends_on: date) -> list[date]:
    day, days = starts_on, []
    while day <= ends_on:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _login_of(person: Student | Guardian | Staff) -> User:
    """The login the builder attached to `person` (the foreign key itself is nullable)."""
    return cast(User, person.user)


def _grade_label(grade: int) -> str:
    return "K" if grade == 0 else str(grade)


class DemoBuilder:
    """Builds the demo district in a handful of bulk inserts."""

    def __init__(
        self,
        *,
        seed: int,
        students: int,
        as_of: date,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.rng = np.random.default_rng(seed)
        self.student_total = students
        self.as_of = as_of
        self.progress = progress or (lambda message: None)
        self.password = make_password(DEMO_PASSWORD, salt="masterypathdemo")
        self.origin = date(as_of.year - 1 if as_of.month >= 8 else as_of.year - 2, 8, 15)
        self.years = [
            YearPlan(
                end_year=self.origin.year + 1,
                starts_on=date(self.origin.year, 8, 20),
                ends_on=date(self.origin.year + 1, 6, 12),
            ),
            YearPlan(
                end_year=self.origin.year + 2,
                starts_on=date(self.origin.year + 1, 8, 19),
                ends_on=date(self.origin.year + 2, 6, 11),
            ),
        ]
        self.usernames: set[str] = set()

    # -- helpers -------------------------------------------------------------------------
    def _username(self, given: str, family: str) -> str:
        base = f"{given[0]}.{family}".lower().replace(" ", "").replace("'", "")
        name, n = base, 1
        while name in self.usernames:
            n += 1
            name = f"{base}{n}"
        self.usernames.add(name)
        return name

    def _user(self, given: str, family: str, role: str, username: str | None = None) -> User:
        if username is None:
            username = self._username(given, family)
        else:
            self.usernames.add(username)
        return User(
            username=username,
            first_name=given,
            last_name=family,
            role=role,
            password=self.password,
            # The district administrator uses the admin, scoped to the district; superusers
            # are the operator's alone (`masterypath createsuperuser`).
            is_staff=role == Role.DISTRICT_ADMIN,
        )

    def _choice(self, shares: dict[str, float]) -> str:
        keys = list(shares)
        weights = np.array([shares[key] for key in keys])
        return keys[int(self.rng.choice(len(keys), p=weights / weights.sum()))]

    # -- organisation ----------------------------------------------------------------------
    def build_organisation(self) -> None:
        self.district = district_create(
            name=DISTRICT_NAME, state_code="OR", source_id="district-riverbend"
        )
        self.schools = [
            school_create(
                district=self.district,
                name=name,
                grade_low=low,
                grade_high=high,
                source_id=f"school-{low}-{high}",
            )
            for name, low, high in SCHOOLS
        ]
        for plan in self.years:
            label = f"{plan.end_year - 1}-{str(plan.end_year)[2:]}"
            year = academic_session_create(
                district=self.district,
                title=f"School year {label}",
                session_type=SessionType.SCHOOL_YEAR,
                starts_on=plan.starts_on,
                ends_on=plan.ends_on,
                school_year=plan.end_year,
                source_id=f"sy-{plan.end_year}",
            )
            middle = plan.starts_on + (plan.ends_on - plan.starts_on) / 2
            for index, (start, end) in enumerate(
                [(plan.starts_on, middle), (middle + timedelta(days=1), plan.ends_on)], start=1
            ):
                semester = academic_session_create(
                    district=self.district,
                    title=f"Semester {index} {label}",
                    parent=year,
                    session_type=SessionType.SEMESTER,
                    starts_on=start,
                    ends_on=end,
                    school_year=plan.end_year,
                    source_id=f"sem-{plan.end_year}-{index}",
                )
                quarter_middle = start + (end - start) / 2
                for q, (q_start, q_end) in enumerate(
                    [(start, quarter_middle), (quarter_middle + timedelta(days=1), end)],
                    start=index * 2 - 1,
                ):
                    academic_session_create(
                        district=self.district,
                        title=f"Quarter {q} {label}",
                        parent=semester,
                        session_type=SessionType.GRADING_PERIOD,
                        starts_on=q_start,
                        ends_on=q_end,
                        school_year=plan.end_year,
                        source_id=f"q-{plan.end_year}-{q}",
                    )
            plan.session = year
            plan.school_days = list(_school_days(plan.starts_on, plan.ends_on))

    # -- frameworks ------------------------------------------------------------------------
    def build_frameworks(self) -> None:
        self.scale = scale_create(
            district=self.district,
            name="Four-level proficiency scale",
            levels=[
                PerformanceLevel(
                    value=Decimal(1),
                    label="Beginning",
                    descriptor="Shows a beginning understanding with help.",
                ),
                PerformanceLevel(
                    value=Decimal(2),
                    label="Developing",
                    descriptor="Shows partial understanding; some errors remain.",
                ),
                PerformanceLevel(
                    value=Decimal(3),
                    label="Proficient",
                    descriptor="Meets the target independently.",
                    is_proficient=True,
                ),
                PerformanceLevel(
                    value=Decimal(4),
                    label="Advanced",
                    descriptor="Applies the target in new, complex situations.",
                    is_proficient=True,
                ),
            ],
        )
        # Per subject: {level: [target ids]} for the evidence model.
        self.continua: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        # (student index, domain) -> index of the next target on the student's pathway
        self.pointer: dict[tuple[int, str], int] = {}
        self.running: dict[tuple[int, int], float] = {}  # (student index, target index) -> DA
        self.frameworks: dict[str, Framework] = {}
        self._standards_framework(
            "math",
            "Common Core State Standards for Mathematics",
            "Mathematics",
            math_standards(),
        )
        self._standards_framework(
            "ela",
            "Common Core State Standards for English Language Arts & Literacy",
            "English Language Arts",
            ela_standards(),
        )
        self._authored_framework(
            "science",
            "Riverbend Science Learning Targets",
            "Science",
            authored.SCIENCE_DOMAINS,
            authored.SCIENCE_COMPETENCIES,
            dict.fromkeys(authored.SCIENCE_COMPETENCIES, "SCI"),
            authored.SCIENCE,
        )
        self._authored_framework(
            "habits",
            "Riverbend Habits of Learning",
            "Habits of Learning",
            authored.HABITS_DOMAINS,
            authored.HABITS_COMPETENCIES,
            authored.HABITS_DOMAIN_OF,
            authored.HABITS,
        )
        continuum_revision_bump()  # targets went in with bulk_create, which no signal reports

    def _standards_framework(
        self, key: str, title: str, area: str, rows: list[StandardRow]
    ) -> None:
        framework = framework_create(
            district=None,
            title=title,
            version="2010",
            publisher="NGA Center and CCSSO",
            subject=area,
            scale=self.scale,
            source_note="Common Standards Project JSON; see demo/data/SOURCES.md",
        )
        self.frameworks[key] = framework
        domain = domain_create(framework=framework, code=key.upper(), title=area, content_area=area)
        competencies: dict[str, Competency] = {}
        for row in rows:
            if row.competency_code not in competencies:
                competencies[row.competency_code] = Competency(
                    domain=domain,
                    code=row.competency_code,
                    title=row.competency_title,
                    position=len(competencies),
                )
        competencies_create_many(competencies=list(competencies.values()))
        parents = [
            LearningTarget(
                competency=competencies[row.competency_code],
                code=row.code,
                statement=row.statement,
                level=row.level,
                level_high=row.level_high,
                position=index,
                case_uuid=row.guid,
                case_uri=row.uri,
            )
            for index, row in enumerate(rows)
            if row.parent_code is None
        ]
        targets_create_many(targets=parents)
        by_code = {target.code: target for target in parents}
        targets_create_many(
            targets=[
                LearningTarget(
                    competency=competencies[row.competency_code],
                    parent=by_code[row.parent_code],
                    code=row.code,
                    statement=row.statement,
                    level=row.level,
                    level_high=row.level_high,
                    position=index,
                    case_uuid=row.guid,
                    case_uri=row.uri,
                )
                for index, row in enumerate(rows)
                if row.parent_code is not None
            ]
        )
        self._set_continuum(key, parents)

    def _authored_framework(
        self,
        key: str,
        title: str,
        area: str,
        domains: dict[str, tuple[str, str]],
        competencies: dict[str, str],
        domain_of: dict[str, str],
        targets: list[authored.AuthoredTarget],
    ) -> None:
        framework = framework_create(
            district=self.district,
            title=title,
            version="2025",
            publisher=DISTRICT_NAME,
            subject=area,
            scale=self.scale,
            source_note="Written by the district for the demo.",
        )
        self.frameworks[key] = framework
        domain_rows = {
            code: domain_create(
                framework=framework,
                code=code,
                title=name,
                kind=kind,
                content_area=area,
                position=index,
            )
            for index, (code, (name, kind)) in enumerate(domains.items())
        }
        competency_rows = {
            code: competency_create(
                domain=domain_rows[domain_of[code]], code=code, title=name, position=index
            )
            for index, (code, name) in enumerate(competencies.items())
        }
        counters: dict[tuple[str, str], int] = defaultdict(int)
        rows = []
        for index, item in enumerate(targets):
            counters[(item.competency, item.band)] += 1
            low, high = authored.BANDS[item.band]
            number = counters[(item.competency, item.band)]
            rows.append(
                LearningTarget(
                    competency=competency_rows[item.competency],
                    code=f"{item.domain}.{item.competency}.{item.band}.{number}",
                    statement=item.statement,
                    level=low,
                    level_high=high,
                    dok_ceiling=item.dok,
                    position=index,
                )
            )
        targets_create_many(targets=rows)
        # Within a competency each band's targets precede the next band's.
        by_competency: dict[int, list[LearningTarget]] = defaultdict(list)
        for target in rows:
            by_competency[target.competency_id].append(target)
        links: list[TargetLink] = []
        for group in by_competency.values():
            levels = sorted({target.level for target in group})
            for lower, upper in itertools.pairwise(levels):
                links.extend(
                    TargetLink(source=a, destination=b, kind=TargetLink.Kind.PRECEDES)
                    for a in group
                    if a.level == lower
                    for b in group
                    if b.level == upper
                )
        target_links_create_many(links=links)
        self._set_continuum(key, rows)

    def _set_continuum(self, key: str, targets: list[LearningTarget]) -> None:
        """Each target's mastery point, ascending: target j of the n targets of a level (or a
        band of `width` levels) is mastered at level + width * (j + 0.5) / n."""
        groups: dict[tuple[int, int], list[LearningTarget]] = defaultdict(list)
        for target in targets:
            groups[(target.level, target.level_high or target.level)].append(target)
        points: list[tuple[float, int]] = []
        for (low, high), members in groups.items():
            width = high - low + 1
            points.extend(
                (low + width * (j + 0.5) / len(members), target.pk)
                for j, target in enumerate(members)
            )
        points.sort()
        self.continua[key] = (
            np.array([p for p, _ in points]),
            np.array([t for _, t in points], dtype=np.int64),
        )

    # -- people ----------------------------------------------------------------------------
    def build_staff(self) -> None:
        users: list[User] = []
        staff: list[Staff] = []

        def add(role: str, school: School | None, username: str | None = None) -> Staff:
            given, family, _ = draw_adult_name(self.rng)
            user = self._user(given, family, role, username)
            users.append(user)
            member = Staff(
                district=self.district,
                school=school,
                role=role,
                given_name=given,
                family_name=family,
                email=f"{user.username}@riverbend.example.org",
                source_id=f"staff-{len(staff) + 1}",
            )
            member.user = user
            staff.append(member)
            return member

        for index in range(2):
            add(
                StaffRole.DISTRICT_ADMIN,
                None,
                DEMO_LOGINS[Role.DISTRICT_ADMIN] if index == 0 else None,
            )
        self.teachers: dict[tuple[int, str], list[Staff]] = defaultdict(list)
        per_grade = self.student_total / 13
        for school in self.schools:
            add(
                StaffRole.PRINCIPAL,
                school,
                DEMO_LOGINS[Role.PRINCIPAL] if school.grade_low == 0 else None,
            )
            for index in range(2 if school.grade_low == 9 else 1):
                add(
                    StaffRole.COUNSELOR,
                    school,
                    DEMO_LOGINS[Role.COUNSELOR] if school.grade_low == 0 and index == 0 else None,
                )
            if school.grade_low == 0:
                # Elementary homeroom teachers teach every subject to their class: 3 per grade,
                # more in a large district so that a homeroom keeps about 25 students.
                for grade in range(school.grade_low, school.grade_high + 1):
                    for _ in range(max(3, math.ceil(per_grade / HOMEROOM_SIZE))):
                        self.teachers[(school.pk, f"homeroom-{grade}")].append(
                            add(StaffRole.TEACHER, school)
                        )
            else:
                # Sections of about 30; a subject teacher teaches about 6 of them a year.
                grades = school.grade_high - school.grade_low + 1
                sections = grades * max(1, math.ceil(per_grade / 30))
                per_subject = max(2 if school.grade_low == 6 else 4, math.ceil(sections / 6))
                for subject in SUBJECTS:
                    for _ in range(per_subject):
                        self.teachers[(school.pk, subject)].append(add(StaffRole.TEACHER, school))
        users_create_many(users=users)
        for member in staff:
            member.user_id = _login_of(member).pk
        staff_create_many(staff=staff)
        self.staff = staff

    def build_students(self) -> None:
        """Families of one to three children, each with one or two guardians."""
        per_grade = self.student_total / 13
        grades = [
            g for g in range(13) for _ in range(round(per_grade * (g + 1)) - round(per_grade * g))
        ]
        self.rng.shuffle(grades)
        current_year = self.years[1].end_year
        school_for_grade = {
            g: s for s in self.schools for g in range(s.grade_low, s.grade_high + 1)
        }
        users: list[User] = []
        students: list[Student] = []
        guardians: list[Guardian] = []
        links: list[tuple[int, int, str, bool]] = []  # (student index, guardian index, ...)
        index = 0
        while index < len(grades):
            race = draw_race(self.rng)
            family_name = surname_for(self.rng, race)
            size = int(self.rng.choice([1, 2, 3], p=[0.70, 0.25, 0.05]))
            family = []
            for grade in grades[index : index + size]:
                drawn = draw_student(
                    self.rng,
                    grade=grade,
                    family_name=family_name,
                    race=race,
                    school_year_end=current_year,
                )
                local_id = f"{100000 + len(students) + 1}"
                user = self._user(drawn.given_name, drawn.family_name, Role.STUDENT, f"s{local_id}")
                users.append(user)
                student = Student(
                    district=self.district,
                    school=school_for_grade[grade],
                    local_id=local_id,
                    state_id=f"OR{7000000 + len(students) * 7 + 3}",
                    source_id=f"student-{local_id}",
                    given_name=drawn.given_name,
                    family_name=drawn.family_name,
                    birth_on=drawn.birth_on,
                    grade_level=grade,
                    sex=drawn.sex,
                    is_hispanic_latino=race == "hispanic",
                    is_american_indian=race == "american_indian",
                    is_asian=race == "asian",
                    is_black=race in {"black", "two_or_more"},
                    is_pacific_islander=race == "pacific_islander",
                    is_white=race in {"white", "two_or_more"},
                    is_economically_disadvantaged=drawn.is_economically_disadvantaged,
                    disability=drawn.disability,
                    is_english_learner=drawn.is_english_learner,
                    home_language=drawn.home_language,
                )
                student.user = user
                family.append(len(students))
                students.append(student)
            index += size
            language = "es" if students[family[0]].home_language == "Spanish" else "en"
            for number in range(1 if self.rng.random() < 0.4 else 2):
                given, _, _ = draw_adult_name(self.rng, race)
                user = self._user(given, family_name, Role.GUARDIAN)
                user.preferred_language = language
                users.append(user)
                guardian = Guardian(
                    district=self.district,
                    given_name=given,
                    family_name=family_name,
                    email=f"{user.username}@family.example.org",
                    preferred_language=language,
                    phone=f"541-555-{int(self.rng.integers(1000, 9999))}",
                    source_id=f"guardian-{len(guardians) + 1}",
                )
                guardian.user = user
                relationship = (
                    Relationship.PARENT
                    if self.rng.random() < 0.9
                    else str(
                        self.rng.choice(
                            [Relationship.GRANDPARENT, Relationship.GUARDIAN, Relationship.RELATIVE]
                        )
                    )
                )
                links.extend((child, len(guardians), relationship, number == 0) for child in family)
                guardians.append(guardian)
        self._assign_demo_logins(students, guardians, links)
        users_create_many(users=users)
        people: list[Student | Guardian] = [*students, *guardians]
        for person in people:
            person.user_id = _login_of(person).pk
        students_create_many(students=students)
        guardians_create_many(guardians=guardians)
        guardian_links_create_many(
            links=[
                GuardianLink(
                    student=students[s],
                    guardian=guardians[g],
                    relationship=relationship,
                    is_primary_contact=primary,
                )
                for s, g, relationship, primary in links
            ],
        )
        self.students = students
        self.latent = [self._draw_latent(student) for student in students]

    def _assign_demo_logins(
        self,
        students: list[Student],
        guardians: list[Guardian],
        links: list[tuple[int, int, str, bool]],
    ) -> None:
        """The demo student is a fourth grader whose first guardian is the demo guardian, in a
        family of two or more children (so the family pages show more than one child)."""
        children: dict[int, int] = defaultdict(int)
        for _, g, _, _ in links:
            children[g] += 1
        first_guardian: dict[int, int] = {}
        for s, g, _, _ in links:
            first_guardian.setdefault(s, g)
        fourth = [i for i, s in enumerate(students) if s.grade_level == 4]
        chosen = next((i for i in fourth if children[first_guardian[i]] >= 2), fourth[0])
        guardian_index = first_guardian[chosen]
        self.usernames.discard(_login_of(students[chosen]).username)
        _login_of(students[chosen]).username = DEMO_LOGINS[Role.STUDENT]
        _login_of(guardians[guardian_index]).username = DEMO_LOGINS[Role.GUARDIAN]
        self.demo_student_index = chosen

    def demo_family(self) -> list[Student]:
        """The demo guardian's children (saved rows)."""
        return list(
            Student.objects.filter(
                guardian_links__guardian__user__username=DEMO_LOGINS[Role.GUARDIAN],
                district=self.district,
            ).order_by("given_name")
        )

    def _draw_latent(self, student: Student) -> Latent:
        """Start level (in grades, at the origin) and yearly rate per domain, by profile."""
        rng = self.rng
        grade_at_origin = student.grade_level - 1
        profile = self._choice(PROFILE_SHARES)
        if profile == "behind" and student.grade_level < 3:
            profile = "steady"
        base = rng.normal(0.1, 0.45)
        # Modest, realistic opportunity gaps, which the equity reports should find.
        if student.is_economically_disadvantaged:
            base -= 0.25
        if student.disability == "iep":
            base -= 0.5
        start = {d: base + rng.normal(0, 0.25) for d in ("math", "ela", "science", "habits")}
        if student.is_english_learner:
            start["ela"] -= 0.5
        # About 1.2 levels a calendar year: one level per ten-month school year.
        rate = {d: max(0.3, rng.normal(1.2, 0.15)) for d in start}
        late_rate = dict(rate)
        break_at = 99.0
        if profile == "behind":
            for domain in ("math", "ela"):
                start[domain] = base - 2.3 + rng.normal(0, 0.3)
                rate[domain] = late_rate[domain] = max(0.4, rng.normal(0.8, 0.1))
        elif profile == "rapid":
            for domain in start:
                start[domain] = base + 0.8 + rng.normal(0, 0.2)
                rate[domain] = late_rate[domain] = rng.normal(1.9, 0.2)
        elif profile == "slowing":
            break_at = 0.9 + rng.random() * 0.3
            for domain in ("math", "ela", "science"):
                rate[domain] = rng.normal(1.2, 0.1)
                late_rate[domain] = max(0.0, rng.normal(0.15, 0.1))
        elif profile == "split":
            strong, weak = ("math", "ela") if rng.random() < 0.5 else ("ela", "math")
            start[strong] = base + 1.3 + rng.normal(0, 0.2)
            start[weak] = base - 1.6 + rng.normal(0, 0.2)
        return Latent(
            start={d: grade_at_origin + value for d, value in start.items()},
            rate=rate,
            late_rate=late_rate,
            break_at=break_at,
            profile=profile,
        )

    # -- classes ---------------------------------------------------------------------------
    def build_classes(self) -> None:
        courses: dict[tuple[str, int], Course] = {}
        for subject in SUBJECTS:
            for grade in range(13):
                title = COURSE_TITLES.get(
                    (subject, grade), f"{SUBJECT_TITLES[subject]} {_grade_label(grade)}"
                )
                courses[(subject, grade)] = Course(
                    district=self.district,
                    code=f"{subject.upper()}-{grade:02d}",
                    title=title,
                    subject=SUBJECT_TITLES[subject],
                    grade_low=grade,
                    grade_high=grade,
                    source_id=f"course-{subject}-{grade}",
                )
        courses_create_many(
            courses=list(courses.values()),
            frameworks={
                index: [self.frameworks[subject], self.frameworks["habits"]]
                for index, (subject, _) in enumerate(courses)
            },
        )
        school_for_grade = {
            g: s for s in self.schools for g in range(s.grade_low, s.grade_high + 1)
        }
        # (year index, section) -> students; sections of both years.
        self.sections: list[tuple[int, Section, Staff, str, list[int]]] = []
        section_rows: list[Section] = []
        for year_index, plan in enumerate(self.years):
            shift = 1 - year_index  # last year every student was one grade lower
            by_grade: dict[int, list[int]] = defaultdict(list)
            for index, student in enumerate(self.students):
                grade = student.grade_level - shift
                if grade >= 0:
                    by_grade[grade].append(index)
            label = f"{plan.end_year - 1}-{str(plan.end_year)[2:]}"
            for grade, members in sorted(by_grade.items()):
                school = school_for_grade[grade]
                order = list(members)
                self.rng.shuffle(order)
                for subject in SUBJECTS:
                    if school.grade_low == 0:
                        teachers = self.teachers[(school.pk, f"homeroom-{grade}")]
                    else:
                        teachers = self.teachers[(school.pk, subject)]
                    count = (
                        len(teachers)
                        if school.grade_low == 0
                        else max(1, math.ceil(len(order) / 30))
                    )
                    for number in range(count):
                        group = order[number::count]
                        teacher = teachers[(number + grade) % len(teachers)]
                        course = courses[(subject, grade)]
                        section = Section(
                            course=course,
                            school=school,
                            session=plan.session,
                            title=f"{course.title} · {teacher.family_name} · {label}"
                            + (f" ({number + 1})" if count > 1 else ""),
                            period=str(number + 1),
                            source_id=f"section-{plan.end_year}-{subject}-{grade}-{number + 1}",
                        )
                        section_rows.append(section)
                        self.sections.append((year_index, section, teacher, subject, group))
        sections_create_many(sections=section_rows)
        enrollments = []
        for year_index, section, teacher, _, group in self.sections:
            plan = self.years[year_index]
            enrollments.append(
                Enrollment(
                    section=section,
                    role=EnrollmentRole.TEACHER,
                    staff=teacher,
                    begins_on=plan.starts_on,
                    ends_on=plan.ends_on,
                )
            )
            enrollments.extend(
                Enrollment(
                    section=section,
                    role=EnrollmentRole.STUDENT,
                    student=self.students[i],
                    begins_on=plan.starts_on,
                    ends_on=plan.ends_on,
                )
                for i in group
            )
        enrollments_create_many(enrollments=enrollments)
        self._assign_demo_teacher()

    def _assign_demo_teacher(self) -> None:
        """The demo teacher is the current math teacher of the demo student."""
        for year_index, _, teacher, subject, group in self.sections:
            if year_index == 1 and subject == "math" and self.demo_student_index in group:
                user_username_set(
                    user_id=cast(int, teacher.user_id), username=DEMO_LOGINS[Role.TEACHER]
                )
                return

    # -- evidence --------------------------------------------------------------------------
    def build_evidence(self) -> int:
        rng = self.rng
        assessments: list[Assessment] = []
        pending: list[tuple[int, list[tuple[Any, ...]], set[int]]] = []
        kinds = list(KIND_SHARES)
        kind_p = np.array(list(KIND_SHARES.values()))
        kind_p = kind_p / kind_p.sum()
        for year_index, section, teacher, subject, group in self.sections:
            plan = self.years[year_index]
            days = [day for day in plan.school_days if day <= self.as_of]
            if not days or not group:
                continue
            streams = [(subject, ASSESSMENTS_PER_YEAR[subject])]
            if subject in {"math", "ela"}:
                streams.append(("habits", ASSESSMENTS_PER_YEAR["habits"] // 2))
            for domain, per_year in streams:
                share = len(days) / len(plan.school_days)
                count = max(1, round(per_year * share))
                chosen_days = sorted(
                    rng.choice(len(days), size=min(count, len(days)), replace=False)
                )
                for day_index in chosen_days:
                    day = days[int(day_index)]
                    if domain == "habits":
                        kind = EvidenceKind.OBSERVATION
                    else:
                        kind = kinds[int(rng.choice(len(kinds), p=kind_p))]
                    dok = int(rng.choice([1, 2, 3, 4], p=[0.2, 0.45, 0.3, 0.05]))
                    when = datetime.combine(
                        day, time(8 + int(rng.integers(0, 7)), int(rng.integers(0, 60))), TIMEZONE
                    )
                    assessments.append(
                        Assessment(
                            section=section,
                            kind=kind,
                            assessed_on=day,
                            dok=dok,
                            title=self._assessment_title(domain, kind, day),
                            source=EvidenceSource.DEMO,
                            created_by_id=teacher.user_id,
                        )
                    )
                    rows, used = self._score_group(
                        domain=domain,
                        group=group,
                        grade=section.course.grade_low or 0,
                        t_years=(day - self.origin).days / 365.25,
                        when=when,
                        dok=dok,
                        kind=str(kind),
                        recorded_by=teacher.user_id,
                    )
                    pending.append((len(assessments) - 1, rows, used))
        assessments_create_many(assessments=assessments)
        assessment_targets_add_many(
            pairs=(
                (assessments[index].pk, target_id)
                for index, _, used in pending
                for target_id in sorted(used)
            ),
        )
        evidence_rows = [
            EvidenceRow(
                student_id=student_id,
                target_id=target_id,
                score=score,
                observed_at=observed_at,
                kind=kind,
                dok=dok,
                source=EvidenceSource.DEMO,
                assessment_id=assessments[index].pk,
                recorded_by_id=recorded_by,
                # Entered the day observed, so "new since the last visit" on the family page
                # counts what a family would have seen arrive.
                recorded_at=observed_at,
            )
            for index, group_rows, _ in pending
            for student_id, target_id, score, observed_at, kind, dok, recorded_by in group_rows
        ]
        # seed_demo recomputes every estimate and the placement history itself.
        recorded = evidence_record_many(
            actor=SystemActor(district_id=self.district.pk, name="demo seed"),
            rows=evidence_rows,
            publish_event=False,
        )
        return recorded.created

    def _assessment_title(self, domain: str, kind: str, day: date) -> str:
        names = {"math": "Math", "ela": "ELA", "science": "Science", "habits": "Habits"}
        return f"{names[domain]} {EvidenceKind(kind).label.lower()} {day:%b %-d}"

    def _score_group(
        self,
        *,
        domain: str,
        group: list[int],
        grade: int,
        t_years: float,
        when: datetime,
        dok: int,
        kind: str,
        recorded_by: int | None,
    ) -> tuple[list[tuple[Any, ...]], set[int]]:
        """Scores of every student of a section on the next targets of their own pathway.

        Competency-based pacing: each student works through the continuum's targets in order
        (by mastery point: target j of the n targets of a level, or of a band of `width`
        levels, is mastered at level + width * (j + 0.5) / n), starting a little below their
        latent level. An assessment scores the student's current target and the next ones; the
        student moves past a target once proficient on it. The expected score rises with the
        latent level L minus the target's mastery point m: 2.5 + 1.5 tanh(2.5 (L - m + 0.05)),
        plus noise, rounded onto the 1-4 scale. (`grade` is kept for other sampling rules.)
        """
        rng = self.rng
        points, ids = self.continua[domain]
        per_student = min(TARGETS_PER_ASSESSMENT[domain], len(points))
        latent = [self.latent[i].level(domain, t_years) for i in group]
        noise = rng.normal(0, 0.5, size=(len(group), per_student))
        rows: list[tuple[Any, ...]] = []
        used: set[int] = set()
        last = len(points) - 1
        for position, student_index in enumerate(group):
            level = latent[position]
            key = (student_index, domain)
            if key not in self.pointer:
                self.pointer[key] = int(np.searchsorted(points, level - 0.3))
            start = min(self.pointer[key], last - per_student + 1)
            student_id = self.students[student_index].pk
            advancing = True
            for offset in range(per_student):
                index = start + offset
                expected = 2.5 + 1.5 * math.tanh(2.5 * (level - points[index] + 0.05))
                score = min(max(round(expected + noise[position, offset]), 1), 4)
                # The pathway moves on once the decaying average (w = 0.65) rounds to 3 or more.
                previous = self.running.get((student_index, index))
                running = score if previous is None else 0.35 * previous + 0.65 * score
                self.running[(student_index, index)] = running
                if advancing and running >= PROFICIENT - 0.5:
                    self.pointer[key] = max(self.pointer[key], index + 1)
                else:
                    advancing = False
                target_id = int(ids[index])
                used.add(target_id)
                rows.append((student_id, target_id, SCORES[score], when, kind, dok, recorded_by))
        return rows, used


@transaction.atomic
def seed_demo(
    *,
    seed: int = 42,
    students: int = 900,
    as_of: date = DEFAULT_AS_OF,
    progress: Callable[[str], None] | None = None,
) -> SeedReport:
    """Build the whole demo district in one transaction; returns counts and demo logins."""
    builder = DemoBuilder(seed=seed, students=students, as_of=as_of, progress=progress)
    say = builder.progress
    builder.build_organisation()
    say("schools and sessions")
    builder.build_frameworks()
    say("frameworks")
    builder.build_staff()
    say("staff")
    builder.build_students()
    say("students and guardians")
    builder.build_classes()
    say("courses, sections and enrollments")
    evidence_count = builder.build_evidence()
    say("evidence")
    mastery = mastery_recompute(district=builder.district, as_of=as_of)
    say("mastery estimates and placements")
    early_warning_demo(builder=builder, as_of=as_of, seed=seed)
    say("planted profiles and early warnings")
    add_family_feedback(students=builder.demo_family(), as_of=as_of)
    say("teachers' feedback for the demo family")
    add_demo_groups(username=DEMO_LOGINS[Role.TEACHER], as_of=as_of)
    add_interventions(district=builder.district, as_of=as_of, seed=seed)
    say("interventions, root causes and their sessions")
    add_plans(district=builder.district, as_of=as_of, seed=seed)
    say("learner profiles, learning plans and the resource library")
    audit_record(
        actor=None,
        action=AuditAction.IMPORT,
        subject=builder.district,
        detail={"seed": seed, "students": students, "evidence": evidence_count},
    )
    return SeedReport(
        counts={
            "students": len(builder.students),
            "evidence": evidence_count,
            "estimates": mastery["estimates"],
        },
        logins={str(role): username for role, username in DEMO_LOGINS.items()},
    )


def demo_exists() -> bool:
    return District.objects.filter(name=DISTRICT_NAME).exists()
