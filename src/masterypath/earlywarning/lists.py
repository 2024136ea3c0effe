"""The exception lists as a page reads them: counts per rule and the rows of one rule, for the
hits an actor may see, filtered by school, grade and domain, most need first."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

from masterypath.accounts.actors import Actor
from masterypath.continuum.models import Domain
from masterypath.earlywarning.access import hits_visible_to
from masterypath.earlywarning.models import ExceptionHit, ExceptionRun
from masterypath.engine.exceptions import RULE_TITLES, STUDENT_RULES, Rule
from masterypath.roster.access import schools_visible_to
from masterypath.schools.models import School, grade_label

# The order the lists come in on a page: who to support first, then the rest.
RULE_ORDER = (
    Rule.TWO_BELOW,
    Rule.SEVERAL_DOMAINS,
    Rule.NOT_PROGRESSING,
    Rule.SLOWING,
    Rule.RAPID,
    Rule.CHRONIC_ABSENCE,
    Rule.INCIDENTS,
    Rule.NO_RECENT_EVIDENCE,
)
RULE_HELP = {
    Rule.TWO_BELOW: "Two years of learning or more behind the grade-level expectation for the "
    "time of year in an area. Who to support first: most behind first.",
    Rule.SEVERAL_DOMAINS: "A year or more behind in two or more academic areas at once.",
    Rule.NOT_PROGRESSING: "Evidence keeps coming but no gain for 8 school weeks.",
    Rule.SLOWING: "Growth over the last 3 months of school significantly slower than the "
    "student's own earlier growth, and under half a level a year.",
    Rule.RAPID: "Gaining grade levels at 1.5 times the expected pace or more.",
    Rule.CHRONIC_ABSENCE: "Present on under 90% of the school days so far this school year.",
    Rule.INCIDENTS: "Behaviour incidents on more than 2% of the school days so far this year.",
    Rule.NO_RECENT_EVIDENCE: "No evidence for 6 school weeks while most grade-mates have some: "
    "a gap in the assessment, for the teacher to look at.",
}


@dataclass(frozen=True)
class ListFilters:
    rule: Rule = Rule.TWO_BELOW
    school_id: int | None = None
    grade: int | None = None
    domain_id: int | None = None

    def query(self) -> dict[str, str]:
        values = {
            "rule": str(self.rule),
            "school": self.school_id,
            "grade": self.grade,
            "domain": self.domain_id,
        }
        return {key: str(value) for key, value in values.items() if value is not None}


@dataclass(frozen=True)
class RuleCount:
    rule: Rule
    title: str
    students: int
    new: int


@dataclass
class ExceptionLists:
    run: ExceptionRun | None
    filters: ListFilters
    counts: list[RuleCount]
    rows: list[ExceptionHit]
    title: str
    help: str
    schools: list[School]
    grades: list[tuple[int, str]]
    domains: list[Domain]
    gains: list[dict[str, object]] = field(default_factory=list)


def parse_filters(params: dict[str, str]) -> ListFilters:
    """Filters from a query string; anything unknown is ignored (the page shows all)."""
    rule = params.get("rule", "")
    wanted = Rule(rule) if rule in {str(r) for r in Rule} else Rule.TWO_BELOW

    def number(key: str) -> int | None:
        value = params.get(key, "")
        return int(value) if value.lstrip("-").isdigit() else None

    return ListFilters(
        rule=wanted, school_id=number("school"), grade=number("grade"), domain_id=number("domain")
    )


def _filtered(hits: QuerySet[ExceptionHit], filters: ListFilters) -> QuerySet[ExceptionHit]:
    if filters.school_id is not None:
        hits = hits.filter(school_id=filters.school_id)
    if filters.grade is not None:
        hits = hits.filter(grade_level=filters.grade)
    if filters.domain_id is not None:
        # Student-wide rules (several areas, rapid) name no single domain: they stay.
        hits = hits.filter(domain_id__in=[filters.domain_id]) | hits.filter(
            domain__isnull=True, rule__in=sorted(STUDENT_RULES)
        )
    return hits


def exception_lists_for(
    *, actor: Actor, filters: ListFilters, district_id: int, limit: int | None = 200
) -> ExceptionLists:
    """Everything the early warning page shows, in a fixed number of queries."""
    run = ExceptionRun.objects.filter(district_id=district_id).first()
    visible = hits_visible_to(actor).filter(district_id=district_id)
    scoped = _filtered(visible, filters)
    students: dict[str, set[int]] = defaultdict(set)
    new: dict[str, set[int]] = defaultdict(set)  # students listed for the first time
    for rule, student_id, first_seen in scoped.values_list("rule", "student_id", "first_seen_on"):
        students[rule].add(student_id)
        if run is not None and first_seen == run.as_of:
            new[rule].add(student_id)
    counts = [
        RuleCount(
            rule=rule,
            title=RULE_TITLES[rule],
            students=len(students.get(str(rule), ())),
            new=len(new.get(str(rule), ())),
        )
        for rule in RULE_ORDER
    ]
    rows_query = (
        scoped.filter(rule=filters.rule)
        .select_related("student", "school", "domain")
        .order_by("-need", "student__family_name", "student__given_name", "pk")
    )
    rows = list(rows_query[:limit] if limit else rows_query)
    choices = visible.values_list("school_id", "grade_level", "domain_id").distinct()
    school_ids, grades, domain_ids = set(), set(), set()
    for school_id, grade, domain_id in choices:
        school_ids.add(school_id)
        grades.add(grade)
        if domain_id is not None:
            domain_ids.add(domain_id)
    schools = list(School.objects.filter(pk__in=school_ids).order_by("grade_low", "name"))
    gains = []
    if run is not None:
        for school in schools_visible_to(actor).filter(district_id=district_id):
            row = run.gains.get(str(school.pk))
            if row and row["students"]:
                gains.append(
                    {
                        "school": school,
                        "students": row["students"],
                        "this_year": row["this_year"] / row["students"],
                        "twelve_months": row["twelve_months"] / row["students"],
                    }
                )
    return ExceptionLists(
        run=run,
        filters=filters,
        counts=counts,
        rows=rows,
        title=RULE_TITLES[filters.rule],
        help=RULE_HELP[filters.rule],
        schools=schools,
        grades=[(g, grade_label(g)) for g in sorted(grades)],
        domains=list(Domain.objects.filter(pk__in=domain_ids).order_by("title")),
        gains=gains,
    )
