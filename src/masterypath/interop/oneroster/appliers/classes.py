"""classes.csv: sections of a course at a school in a term."""

from __future__ import annotations

from masterypath.interop.oneroster.appliers.context import ImportContext, assign, split_ids
from masterypath.interop.oneroster.ids import by_export_sid
from masterypath.roster.models import Section
from masterypath.roster.services import section_save, sections_create_many


def apply_classes(ctx: ImportContext) -> None:
    file = "classes.csv"
    rows = ctx.live("classes", ctx.bundle.rows("classes"))
    ctx.section_map = by_export_sid(Section.objects.filter(school__district=ctx.district), "class")
    new_sections: list[Section] = []
    for row in rows:
        if ctx.deleted("classes", row):
            continue
        source_id = row.get("sourcedId")
        course = ctx.course_map.get(row.get("courseSourcedId"))
        if course is None:
            ctx.missing(
                file, row, "courseSourcedId", "courses.csv", "Course", row.get("courseSourcedId")
            )
        school = ctx.school(file, row, "schoolSourcedId", row.get("schoolSourcedId"))
        terms = split_ids(row.get("termSourcedIds"))
        session = next((ctx.session_map[t] for t in terms if t in ctx.session_map), None)
        if session is None and len(terms) == 1:
            ctx.missing(file, row, "termSourcedIds", "academicSessions.csv", "Term", terms[0])
        elif session is None and not terms:
            ctx.missing(file, row, "termSourcedIds", "academicSessions.csv", "Term", "")
        elif session is None:
            ctx.error(
                file,
                row,
                "termSourcedIds",
                f"None of the terms {terms} is in academicSessions.csv nor already imported.",
            )
        if course is None or school is None or session is None:
            continue
        values = {
            "course": course,
            "school": school,
            "session": session,
            "title": (row.get("title") or source_id)[:200],
            "period": row.get("periods")[:20],
        }
        section = ctx.section_map.get(source_id)
        if section is None:
            section = Section(source_id=source_id, **values)
            new_sections.append(section)
        elif assign(section, values):
            section_save(section=section)
            ctx.counts["sections updated"] += 1
        ctx.section_map[source_id] = section
    sections_create_many(sections=new_sections)
    ctx.counts["sections created"] += len(new_sections)
    ctx.step(len(ctx.bundle.rows("classes")), "Classes")
