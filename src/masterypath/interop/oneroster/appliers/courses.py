"""courses.csv: the district's courses (at a school, or district-wide)."""

from __future__ import annotations

from masterypath.interop.oneroster.appliers.context import ImportContext, assign
from masterypath.interop.oneroster.ids import by_export_sid
from masterypath.roster.models import Course
from masterypath.roster.services import course_save, courses_create_many


def apply_courses(ctx: ImportContext) -> None:
    file = "courses.csv"
    rows = ctx.live("courses", ctx.bundle.rows("courses"))
    ctx.course_map = by_export_sid(Course.objects.filter(district=ctx.district), "course")
    new_courses: list[Course] = []
    for row in rows:
        if ctx.deleted("courses", row):
            continue
        source_id = row.get("sourcedId")
        org = row.get("orgSourcedId")
        school = None
        if org and org != ctx.district_org and org != ctx.district.source_id:
            school = ctx.school(file, row, "orgSourcedId", org)
            if school is None:
                continue
        grades = ctx.grades(row.get("grades"))
        values = {
            "school": school,
            "code": (row.get("courseCode") or source_id)[:60],
            "title": (row.get("title") or source_id)[:200],
            "subject": row.get("subjects")[:120],
            "grade_low": min(grades) if grades else None,
            "grade_high": max(grades) if grades else None,
        }
        course = ctx.course_map.get(source_id)
        if course is None:
            course = Course(district=ctx.district, source_id=source_id, **values)
            new_courses.append(course)
        elif assign(course, values):
            course_save(course=course)
            ctx.counts["courses updated"] += 1
        ctx.course_map[source_id] = course
    courses_create_many(courses=new_courses)
    ctx.counts["courses created"] += len(new_courses)
    ctx.step(len(ctx.bundle.rows("courses")), "Courses")
