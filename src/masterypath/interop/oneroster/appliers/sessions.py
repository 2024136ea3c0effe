"""academicSessions.csv: school years, semesters, terms and grading periods, with parents."""

from __future__ import annotations

from masterypath.interop.oneroster.appliers.context import ImportContext, assign
from masterypath.interop.oneroster.ids import by_export_sid
from masterypath.interop.oneroster.reader import Row
from masterypath.schools.models import AcademicSession, SessionType
from masterypath.schools.services import academic_session_create, academic_session_save

SESSION_TYPES = {t.value.lower(): t for t in SessionType}


def apply_academic_sessions(ctx: ImportContext) -> None:
    file = "academicSessions.csv"
    rows = ctx.live("academicSessions", ctx.bundle.rows("academicSessions"))
    existing = by_export_sid(AcademicSession.objects.filter(district=ctx.district), "session")
    ctx.session_map = dict(existing)
    parents: list[tuple[AcademicSession, str, Row]] = []
    for row in rows:
        if ctx.deleted("academicSessions", row):
            continue
        source_id = row.get("sourcedId")
        kind = SESSION_TYPES.get(row.get("type").lower())
        if kind is None:
            ctx.error(
                file,
                row,
                "type",
                f"type must be one of "
                f"{', '.join(t.value for t in SessionType)}, not {row.get('type')!r}.",
            )
        starts = ctx.date(file, row, "startDate", required=True)
        ends = ctx.date(file, row, "endDate", required=True)
        year_raw = row.get("schoolYear")
        if not (year_raw.isdigit() and len(year_raw) == 4):
            ctx.error(
                file,
                row,
                "schoolYear",
                f"schoolYear must be a year such as 2024, not {year_raw!r}.",
            )
            continue
        if starts and ends and starts > ends:
            ctx.error(file, row, "endDate", "endDate is before startDate.")
            continue
        if kind is None or starts is None or ends is None:
            continue
        values = {
            "title": row.get("title")[:200] or source_id,
            "session_type": kind,
            "starts_on": starts,
            "ends_on": ends,
            "school_year": int(year_raw),
        }
        session = existing.get(source_id)
        if session is None:
            session = academic_session_create(district=ctx.district, source_id=source_id, **values)
            ctx.counts["sessions created"] += 1
        elif assign(session, values):
            academic_session_save(session=session)
            ctx.counts["sessions updated"] += 1
        ctx.session_map[source_id] = session
        parents.append((session, row.get("parentSourcedId"), row))
    for session, parent_id, row in parents:
        parent = ctx.session_map.get(parent_id) if parent_id else None
        if parent_id and parent is None:
            ctx.warn(
                file,
                row,
                "parentSourcedId",
                f"Parent session {parent_id!r} is not in the bundle; left without one.",
            )
        if parent is not None and parent.pk == session.pk:
            parent = None
        if session.parent_id != (parent.pk if parent else None):
            session.parent = parent
            academic_session_save(session=session, fields=["parent"])
    ctx.step(len(ctx.bundle.rows("academicSessions")), "Academic sessions")
