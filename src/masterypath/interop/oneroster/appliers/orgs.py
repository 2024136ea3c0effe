"""orgs.csv: the district's org id and its schools (a department folds into its school)."""

from __future__ import annotations

from collections import defaultdict

from masterypath.interop.oneroster.appliers.context import ImportContext, split_ids
from masterypath.interop.oneroster.ids import by_export_sid, export_sid
from masterypath.schools.models import School
from masterypath.schools.services import district_source_id_set, school_create, school_save


def apply_orgs(ctx: ImportContext) -> None:
    file = "orgs.csv"
    rows = ctx.live("orgs", ctx.bundle.rows("orgs"))
    existing = by_export_sid(School.objects.filter(district=ctx.district), "school")
    ctx.schools.update(existing)
    by_id = {row.get("sourcedId"): row for row in rows}
    spans = _grade_spans(ctx)
    for row in rows:
        source_id = row.get("sourcedId")
        kind = row.get("type").lower()
        if not source_id:
            ctx.error(file, row, "sourcedId", "required field sourcedId is empty.")
            continue
        if kind == "district":
            if ctx.district.source_id and ctx.district.source_id != source_id:
                ctx.error(
                    file,
                    row,
                    "sourcedId",
                    f"This bundle is for district "
                    f"{source_id!r}, but {ctx.district.name} is "
                    f"{ctx.district.source_id!r}.",
                )
                continue
            ctx.district_org = source_id
            if export_sid(ctx.district, "district") != source_id:
                district_source_id_set(district=ctx.district, source_id=source_id)
            continue
        if kind not in {"school", "department"}:
            ctx.warn(file, row, "type", f"An org of type {kind!r} is not imported.")
            continue
        if ctx.deleted("orgs", row):
            continue
        parent = row.get("parentSourcedId")
        if kind == "department":
            parent_row = by_id.get(parent)
            if parent_row is not None and parent_row.get("type").lower() == "school":
                continue  # folded into its school, resolved in _school()
            ctx.warn(
                file,
                row,
                "type",
                "A department without a school in the bundle is imported as a school.",
            )
        elif parent and parent not in by_id and parent != ctx.district.source_id:
            ctx.warn(
                file,
                row,
                "parentSourcedId",
                f"Parent org {parent!r} is not in the bundle; the school is placed in "
                f"{ctx.district.name}.",
            )
        low, high = spans.get(source_id, (0, 12))
        name = row.get("name")[:200]
        if not name:
            ctx.error(file, row, "name", "required field name is empty.")
            continue
        school = ctx.schools.get(source_id)
        if school is None:
            school = school_create(
                district=ctx.district,
                name=name,
                source_id=source_id,
                grade_low=low,
                grade_high=high,
            )
            ctx.counts["schools created"] += 1
        elif school.name != name:
            school.name = name  # the grade span is set once; staff may refine it
            school_save(school=school)
            ctx.counts["schools updated"] += 1
        ctx.schools[source_id] = school
    for row in rows:
        if row.get("type").lower() == "department" and row.get("sourcedId") not in ctx.schools:
            parent_school = ctx.schools.get(row.get("parentSourcedId"))
            if parent_school is not None:
                ctx.schools[row.get("sourcedId")] = parent_school
    ctx.step(len(ctx.bundle.rows("orgs")), "Schools")


def _grade_spans(ctx: ImportContext) -> dict[str, tuple[int, int]]:
    grades: dict[str, list[int]] = defaultdict(list)
    for row in ctx.bundle.rows("classes"):
        for grade in ctx.grades(row.get("grades")):
            grades[row.get("schoolSourcedId")].append(grade)
    for row in ctx.bundle.rows("users"):
        orgs = row.get("orgSourcedIds") or row.get("primaryOrgSourcedId")
        for org in split_ids(orgs):
            grades[org].extend(ctx.grades(row.get("grades")))
    return {org: (min(g), max(g)) for org, g in grades.items() if g}
