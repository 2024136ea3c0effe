"""Learner profiles, learning plans and a curated library for the demo district.

Called once from `seed_demo`, after mastery is computed. Deterministic (its own generator,
seeded from the demo's seed). Everything goes through the plans and resources services, dated
as if made in September (`made_on`), so that by the demo's `as_of` some steps are done, some
overdue, some goals met by their evidence.

- Advisors: each student's advisor is one of their current teachers (the first by course
  code); the demo teacher advises the demo student.
- Profiles for about 60% of the students, plans for about 65%: most active, some waiting for
  review, some drafts; two or three goals each (academic on targets of their grade not yet
  proficient, sometimes one already proficient so that it shows as met; a habit of learning;
  sometimes a personal goal), with action steps before and after `as_of` and daily steps.
- A library: resources on the grade's math targets (a few in Spanish), most approved by the
  principal, some waiting, one not approved; a plan template per school.
- Usage: on the eight most-scored targets with a resource, students further behind open
  (and often complete) it about 50 days before `as_of`; then everyone with evidence on the
  target takes a follow-up check (planted evidence: their level plus 0.3 and some noise), and
  the users of the first three resources gain 0.8 more, so the impact report finds those
  effects and none for the other five.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from masterypath.accounts.actors import SystemActor
from masterypath.accounts.models import User
from masterypath.continuum.models import DomainKind, LearningTarget
from masterypath.evidence.models import Evidence, EvidenceKind, EvidenceSource
from masterypath.evidence.services import EvidenceRow, evidence_record_many
from masterypath.mastery.models import MasteryEstimate
from masterypath.mastery.services import mastery_refresh_pairs
from masterypath.plans.models import GoalKind, PlanState
from masterypath.plans.services import (
    ProfileInput,
    TemplateGoal,
    advising_assign,
    goal_add,
    goal_progress_refresh_for_district,
    learner_profile_update,
    note_add,
    plan_approve,
    plan_create,
    plan_submit,
    plan_template_create,
    step_add,
    step_set_done,
)
from masterypath.resources.models import Resource, ResourceKind
from masterypath.resources.services import resource_create, resource_review, resource_use_record
from masterypath.roster.models import Enrollment, EnrollmentRole, Staff, StaffRole, Student
from masterypath.schools.models import AcademicSession, District

TIMEZONE = ZoneInfo("America/New_York")
PROFILE_SHARE = 0.6
PLAN_SHARE = 0.65
# Resources whose users get planted growth after using them (the rest: none).
EFFECTIVE_RESOURCES = 3
DEMO_STUDENT = "demo-student"
DEMO_TEACHER = "demo-teacher"
USERS_PER_RESOURCE = 40
# A resource is used only where enough students have evidence on its target.
MIN_CANDIDATES = 24
# How many resources are used, and the growth of a follow-up check (levels).
USED_RESOURCES = 8
NATURAL_GAIN = 0.3
PLANTED_EFFECT = 0.8

STRENGTHS = (
    "I keep trying when it is hard.",
    "Drawing diagrams",
    "Explaining my thinking to a partner",
    "Mental math",
    "Reading long books",
    "Helping classmates",
    "Building things",
)
INTERESTS = ("Soccer", "Drawing", "Music", "Animals", "Video games", "Cooking", "Space", "Dance")
ASPIRATIONS = (
    "I want to be a veterinarian.",
    "I want to design games.",
    "Go to college and study science.",
    "Be a nurse like my aunt.",
    "Build bridges.",
    "",
)
SUPPORTS = (
    "Extra time on tests",
    "Sitting near the front",
    "Directions read aloud",
    "Checking in at the start of class",
    "",
)
LANGUAGES = ("English", "English, Spanish", "Spanish, English", "English, Vietnamese")
HABIT_GOALS = (
    ("Hand in my work on time every week", "All work in by Friday for four weeks in a row"),
    ("Ask for help when I am stuck", "I ask at least once a week"),
    ("Read at home 20 minutes a day", "My reading log has 5 days a week"),
    ("Come to class ready", "Materials out when the bell rings"),
)
PERSONAL_GOALS = (
    ("Join a club this term", "I go to three meetings"),
    ("Get more sleep on school nights", "In bed by 9:30 five nights a week"),
)
STEP_WORDS = (
    "Finish practice set {n}",
    "Redo the exit ticket on {code}",
    "Watch the lesson video and take notes",
    "Meet my advisor to check progress",
    "Try three problems with a partner",
)
REFLECTIONS = (
    "The practice sets help, but I need more time on word problems.",
    "I did better when I explained my steps out loud.",
    "This week was hard. I will ask for help sooner.",
)
FEEDBACK = (
    "Great persistence this week. Keep showing your steps.",
    "Let's add one daily step for practice at home.",
    "Your last two exit tickets show real growth.",
)
RESOURCE_TITLES = (
    "Number line practice",
    "Video: what the standard means",
    "Game: match the models",
    "Reading: worked examples",
    "Lesson: step by step",
)
RESOURCE_KINDS = (
    ResourceKind.PRACTICE,
    ResourceKind.VIDEO,
    ResourceKind.GAME,
    ResourceKind.READING,
    ResourceKind.LESSON,
)


def _at(day: date, hour: int = 15) -> datetime:
    return datetime.combine(day, time(hour, 0), TIMEZONE)


def _advisors(district: District, as_of: date) -> dict[int, Staff]:
    """Each current student's advisor: the teacher of their first section by course code."""
    student_sections = defaultdict(list)
    for student_id, section_id, code in (
        Enrollment.objects.filter(
            role=EnrollmentRole.STUDENT,
            student__district=district,
            section__session__starts_on__lte=as_of,
            section__session__ends_on__gte=as_of,
        )
        .order_by("student_id", "section__course__code", "section_id")
        .values_list("student_id", "section_id", "section__course__code")
    ):
        student_sections[student_id].append((code, section_id))
    teacher_of = {
        section_id: staff
        for section_id, staff in (
            (e.section_id, e.staff)
            for e in Enrollment.objects.filter(
                role=EnrollmentRole.TEACHER, section__school__district=district
            ).select_related("staff__user")
        )
        if staff is not None and staff.user is not None
    }
    advisor_of: dict[int, Staff] = {}
    for student_id, sections in student_sections.items():
        for _code, section_id in sections:
            if section_id in teacher_of:
                advisor_of[student_id] = teacher_of[section_id]
                break
    return advisor_of


def _curators(district: District) -> dict[int | None, User]:
    """A curator per school (its principal) and for the district (the admin)."""
    curators: dict[int | None, User] = {}
    for staff in Staff.objects.filter(
        district=district, role__in=[StaffRole.PRINCIPAL, StaffRole.DISTRICT_ADMIN]
    ).select_related("user"):
        if staff.user is not None:
            curators.setdefault(staff.school_id, staff.user)
    return curators


def _build_library(
    *,
    district: District,
    rng: random.Random,
    submitter: User,
    curator: User,
    targets: list[LearningTarget],
) -> list[Resource]:
    """Resources on the targets (a third of them in Spanish); most approved, a few waiting,
    one not approved. Returns the approved ones, in order."""
    approved = []
    for index, target in enumerate(targets):
        for copy in range(2 if index % 3 == 0 else 1):
            kind_index = (index + copy) % len(RESOURCE_KINDS)
            spanish = (index + copy) % 3 == 2
            title = f"{target.code}: {RESOURCE_TITLES[kind_index]}"
            if spanish:
                title += " (en español)"
            resource = resource_create(
                actor=submitter,
                district=district,
                title=title,
                kind=RESOURCE_KINDS[kind_index],
                minutes=rng.choice((10, 15, 20, 30, 45)),
                targets=[target],
                language="es" if spanish else "en",
                url=f"https://resources.example.org/{target.code.lower()}/{kind_index}",
                dok=rng.choice((1, 2, 2, 3)),
                description=f"Help with {target.code}: {target.statement[:120]}",
            )
            if index % 11 == 5:
                continue  # waiting for review
            if index % 17 == 8:
                resource_review(
                    actor=curator, resource=resource, approve=False, note="The link is broken."
                )
                continue
            resource_review(actor=curator, resource=resource, approve=True)
            approved.append(resource)
    return approved


def _plant_usage(
    *,
    district: District,
    rng: random.Random,
    resources: list[Resource],
    as_of: date,
) -> int:
    """Students open (and often complete) resources on targets where they have evidence; the
    users of the first `EFFECTIVE_RESOURCES` then score higher on the target. Returns how many
    uses were recorded."""
    use_on = as_of - timedelta(days=50)
    extra_rows: list[EvidenceRow] = []
    recorded = 0
    target_of = {resource.pk: resource.targets.get() for resource in resources}
    priors_of: dict[int, dict[int, list[float]]] = {}
    for resource in resources:
        priors: dict[int, list[float]] = defaultdict(list)
        for student_id, score in Evidence.objects.filter(
            target=target_of[resource.pk], observed_at__lt=_at(use_on), is_voided=False
        ).values_list("student_id", "score"):
            priors[student_id].append(float(score))
        priors_of[resource.pk] = priors
    # The resources on the most-scored targets are the ones used, one per target; after the
    # use, everyone with evidence on the target takes a follow-up check (users and others
    # alike), and only the users of the first few gain more.
    ranked = sorted(resources, key=lambda r: (-len(priors_of[r.pk]), r.pk))
    seen_targets: set[int] = set()
    used: list[Resource] = []
    for resource in ranked:
        target_id = target_of[resource.pk].pk
        if target_id in seen_targets or len(priors_of[resource.pk]) < MIN_CANDIDATES:
            continue
        seen_targets.add(target_id)
        used.append(resource)
    for index, resource in enumerate(used[:USED_RESOURCES]):
        target = target_of[resource.pk]
        priors = priors_of[resource.pk]
        mean_prior = {s: sum(v) / len(v) for s, v in priors.items()}
        # Students further behind are more likely to be pointed to a resource.
        candidates = sorted(priors, key=lambda s: (mean_prior[s] + rng.random(), s))
        users = set(candidates[: min(USERS_PER_RESOURCE, len(candidates) // 2)])
        students = {
            s.pk: s for s in Student.objects.filter(pk__in=candidates).select_related("user")
        }
        for n, student_id in enumerate(sorted(candidates)):
            student = students[student_id]
            if student_id in users and student.user is not None:
                opened = _at(use_on + timedelta(days=n % 7), 16)
                resource_use_record(
                    actor=student.user,
                    resource=resource,
                    student=student,
                    action="opened",
                    at=opened,
                )
                recorded += 1
                if n % 3 != 2:
                    resource_use_record(
                        actor=student.user,
                        resource=resource,
                        student=student,
                        action="completed",
                        at=opened + timedelta(minutes=resource.minutes),
                    )
                    recorded += 1
            helped = student_id in users and index < EFFECTIVE_RESOURCES
            for k, days in enumerate((12, 30)):
                gain = NATURAL_GAIN + (PLANTED_EFFECT if helped else 0.0) + rng.gauss(0, 0.35)
                level = min(4.0, max(1.0, round((mean_prior[student_id] + gain) * 2) / 2))
                observed = _at(use_on + timedelta(days=days + n % 5), 10)
                extra_rows.append(
                    EvidenceRow(
                        student_id=student_id,
                        target_id=target.pk,
                        score=Decimal(str(level)),
                        observed_at=observed,
                        kind=EvidenceKind.FORMATIVE,
                        source=EvidenceSource.DEMO,
                        source_id=f"demo-check-{target.pk}-{student_id}-{k}",
                        recorded_at=observed,
                    )
                )
    if extra_rows:
        evidence_record_many(
            actor=SystemActor(district_id=district.pk, name="demo seed"),
            rows=extra_rows,
            publish_event=False,
        )
        pairs = sorted({(row.student_id, row.target_id) for row in extra_rows})
        mastery_refresh_pairs(pairs=pairs, on=as_of)
    return recorded


def _academic_targets(
    student: Student,
    *,
    rng: random.Random,
    by_grade: dict[int, list[LearningTarget]],
    estimates: dict[tuple[int, int], float],
    want_met: bool,
) -> list[LearningTarget]:
    pool = by_grade.get(student.grade_level, [])
    if not pool:
        return []
    proficient = [t for t in pool if estimates.get((student.pk, t.pk), 0.0) >= 3.0]
    below = [t for t in pool if 0.0 < estimates.get((student.pk, t.pk), 0.0) < 3.0]
    if want_met and proficient:
        return [rng.choice(proficient)]
    if below:
        return rng.sample(below, min(len(below), rng.choice((1, 2))))
    return [rng.choice(pool)]


def add_plans(*, district: District, as_of: date, seed: int) -> dict[str, int]:
    """Profiles, plans, templates, a library and its usage for the demo district."""
    rng = random.Random(seed * 7919 + 11)
    made_on = as_of - timedelta(days=60)
    session = (
        AcademicSession.objects.filter(district=district, starts_on__lte=as_of, ends_on__gte=as_of)
        .order_by("-ends_on")
        .first()
    )
    ends_on = session.ends_on if session is not None else as_of + timedelta(days=200)
    starts_on = session.starts_on if session is not None else made_on
    advisor_of = _advisors(district, as_of)
    curators = _curators(district)
    district_curator = curators.get(None) or next(iter(curators.values()))
    # Targets the students are scored on, of academic domains, by grade.
    scored = (
        LearningTarget.objects.filter(
            evidence__student__district=district,
            competency__domain__kind=DomainKind.ACADEMIC,
            is_retired=False,
        )
        .distinct()
        .select_related("competency__domain__framework__scale")
        .order_by("level", "code")
    )
    by_grade: dict[int, list[LearningTarget]] = defaultdict(list)
    for target in scored:
        by_grade[int(target.level)].append(target)

    # Advising.
    by_advisor: dict[int, list[Student]] = defaultdict(list)
    advisors: dict[int, Staff] = {}
    students = list(
        Student.objects.filter(district=district, is_active=True)
        .select_related("user", "school")
        .order_by("pk")
    )
    for student in students:
        advisor = advisor_of.get(student.pk)
        if advisor is not None:
            by_advisor[advisor.pk].append(student)
            advisors[advisor.pk] = advisor
    # The demo teacher advises (up to 30 of) their own current students, the demo student
    # among them, so that the advisor page has a full list.
    demo_teacher = Staff.objects.filter(user__username=DEMO_TEACHER).select_related("user").first()
    if demo_teacher is not None:
        taught = set(
            Enrollment.objects.filter(
                role=EnrollmentRole.STUDENT,
                section__enrollments__staff=demo_teacher,
                section__enrollments__role=EnrollmentRole.TEACHER,
                section__session__starts_on__lte=as_of,
                section__session__ends_on__gte=as_of,
            ).values_list("student_id", flat=True)
        )
        mine = [s for s in students if s.pk in taught]
        mine.sort(key=lambda s: (s.user is None or s.user.username != DEMO_STUDENT, s.pk))
        for student in mine[:30]:
            advisor_of[student.pk] = demo_teacher
            by_advisor[demo_teacher.pk].append(student)
            advisors[demo_teacher.pk] = demo_teacher
    for advisor_id, advisees in by_advisor.items():
        advisor = advisors[advisor_id]
        advising_assign(actor=advisor.user, advisor=advisor, students=advisees)  # type: ignore[arg-type]

    # Library and usage first, so that goals see the planted growth.
    library_targets = [t for grade in sorted(by_grade) if 3 <= grade <= 8 for t in by_grade[grade]]
    library_targets = [
        t for t in library_targets if "math" in t.competency.domain.framework.title.lower()
    ] or library_targets
    library_targets = library_targets[:: max(1, len(library_targets) // 40)][:40]
    submitter_staff = next(iter(advisors.values()), None)
    submitter = submitter_staff.user if submitter_staff is not None else district_curator
    resources = _build_library(
        district=district,
        rng=rng,
        submitter=submitter,  # type: ignore[arg-type]
        curator=district_curator,
        targets=library_targets,
    )
    uses = _plant_usage(district=district, rng=rng, resources=resources, as_of=as_of)

    # Templates.
    for school_curator_school, curator in curators.items():
        if school_curator_school is None:
            continue
        school = Student.objects.filter(school_id=school_curator_school).first()
        if school is None:
            continue
        plan_template_create(
            actor=curator,
            school=school.school,
            title="Start of the year",
            goals=[
                TemplateGoal(
                    kind=GoalKind.HABITS, title=HABIT_GOALS[0][0], measure=HABIT_GOALS[0][1]
                ),
                TemplateGoal(
                    kind=GoalKind.PERSONAL,
                    title=PERSONAL_GOALS[0][0],
                    measure=PERSONAL_GOALS[0][1],
                    days=90,
                ),
            ],
        )

    estimates = {
        (s, t): v
        for s, t, v in MasteryEstimate.objects.filter(
            student__district=district, value__isnull=False
        ).values_list("student_id", "target_id", "value")
        if v is not None
    }
    profiles = plans = goals = steps = 0
    demo_student = next((s for s in students if s.user and s.user.username == DEMO_STUDENT), None)
    for index, student in enumerate(students):
        if student.user is None:
            continue
        is_demo = demo_student is not None and student.pk == demo_student.pk
        advisor = advisor_of.get(student.pk)
        if is_demo or rng.random() < PROFILE_SHARE:
            learner_profile_update(
                actor=student.user,
                student=student,
                values=ProfileInput(
                    strengths=rng.choice(STRENGTHS),
                    interests=", ".join(rng.sample(INTERESTS, 2)),
                    aspirations=rng.choice(ASPIRATIONS),
                    languages=rng.choice(LANGUAGES),
                    group_preferences=rng.sample(["alone", "pairs", "teams"], rng.choice((1, 2))),
                    mode_preferences=rng.sample(
                        ["reading", "doing", "listening"], rng.choice((1, 2))
                    ),
                ),
            )
            if advisor is not None and rng.random() < 0.4:
                profile = student.learner_profile
                learner_profile_update(
                    actor=advisor.user,  # type: ignore[arg-type]
                    student=student,
                    values=ProfileInput(
                        strengths=profile.strengths,
                        interests=profile.interests,
                        aspirations=profile.aspirations,
                        languages=profile.languages,
                        group_preferences=profile.group_preferences,
                        mode_preferences=profile.mode_preferences,
                        supports=rng.choice(SUPPORTS),
                    ),
                )
            profiles += 1
        if advisor is None or not (is_demo or rng.random() < PLAN_SHARE):
            continue
        teacher: User = advisor.user  # type: ignore[assignment]
        plan = plan_create(
            actor=student.user,
            student=student,
            title="My plan for this year",
            starts_on=starts_on,
            ends_on=ends_on,
            session=session,
            today=made_on,
        )
        plans += 1
        kinds = [GoalKind.ACADEMIC, GoalKind.HABITS]
        if rng.random() < 0.35:
            kinds.append(GoalKind.PERSONAL)
        for kind in kinds:
            targets: list[LearningTarget] = []
            if kind == GoalKind.ACADEMIC:
                targets = _academic_targets(
                    student,
                    rng=rng,
                    by_grade=by_grade,
                    estimates=estimates,
                    want_met=rng.random() < 0.2,
                )
                if not targets:
                    continue
                codes = ", ".join(t.code for t in targets)
                title, measure = f"Reach proficient on {codes}", "A 3 or better on the next checks"
            elif kind == GoalKind.HABITS:
                title, measure = rng.choice(HABIT_GOALS)
            else:
                title, measure = rng.choice(PERSONAL_GOALS)
            # Some goals were due before as_of (overdue if not met), most later.
            target_on = as_of + timedelta(days=rng.choice((-10, 25, 45, 70, 120)))
            target_on = min(max(target_on, made_on), ends_on)
            goal = goal_add(
                actor=student.user,
                plan=plan,
                kind=kind,
                title=title,
                measure=measure,
                target_on=target_on,
                targets=targets,
                today=made_on,
            )
            goals += 1
            for n in range(rng.choice((2, 3))):
                due = made_on + timedelta(days=rng.randint(7, 75))
                code = targets[0].code if targets else "my goal"
                what = STEP_WORDS[(index + n) % len(STEP_WORDS)].format(n="ABCD"[n], code=code)
                step = step_add(actor=student.user, goal=goal, what=what, due_on=due, today=made_on)
                steps += 1
                if due < as_of and rng.random() < 0.7:
                    step_set_done(actor=student.user, step=step, done=True, at=_at(due, 18))
            if kind != GoalKind.PERSONAL:
                for day in range(3):
                    step_add(
                        actor=student.user,
                        goal=goal,
                        what="Today: 15 minutes of practice"
                        if kind == GoalKind.ACADEMIC
                        else "Today: check my planner",
                        due_on=as_of + timedelta(days=day),
                        is_daily=True,
                        today=made_on,
                    )
                    steps += 1
        if not plan.goals.exists():
            continue
        roll = rng.random()
        if is_demo or roll < 0.1:
            continue  # a draft still being written
        plan_submit(actor=student.user, plan=plan)
        if roll < 0.2:
            continue  # waiting for the advisor's review
        plan_approve(actor=teacher, plan=plan)
        if rng.random() < 0.3:
            first_goal = plan.goals.first()
            note_add(
                actor=student.user,
                plan=plan,
                goal=first_goal,
                kind="reflection",
                body=rng.choice(REFLECTIONS),
            )
            note_add(
                actor=teacher,
                plan=plan,
                goal=first_goal,
                kind="feedback",
                body=rng.choice(FEEDBACK),
            )
    goal_progress_refresh_for_district(district_id=district.pk)
    return {
        "profiles": profiles,
        "plans": plans,
        "goals": goals,
        "steps": steps,
        "resources": Resource.objects.filter(district=district).count(),
        "resource_uses": uses,
        "active_plans": sum(
            1 for _ in district.students.filter(learning_plans__state=PlanState.ACTIVE)
        ),
    }
