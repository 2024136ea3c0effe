"""Evidence: read what the caller may see, record and void through the evidence services."""

from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate
from ninja.params import functions as param

from masterypath.api.pagination import Pages
from masterypath.api.schemas import ErrorOut, EvidenceIn, EvidenceOut, VoidIn, as_utc
from masterypath.continuum.access import targets_visible_to
from masterypath.evidence.models import Evidence, EvidenceSource
from masterypath.evidence.services import evidence_record, evidence_void
from masterypath.roster.access import access_student_by_id, students_visible_to

router = Router(tags=["evidence"])

ID = param.Path(..., ge=1, le=2**62)
MAYBE_ID = param.Query(None, ge=1, le=2**62)


@router.get("/evidence", response=list[EvidenceOut])
@paginate(Pages)
def evidence_list(
    request: HttpRequest,
    student_id: int | None = MAYBE_ID,
    target_id: int | None = MAYBE_ID,
    since: datetime | None = None,
    until: datetime | None = None,
    include_voided: bool = False,
) -> QuerySet[Evidence]:
    """Evidence on students the caller may see, newest first; `since`/`until` bound
    `observed_at` (since inclusive, until exclusive)."""
    evidence = Evidence.objects.filter(student__in=students_visible_to(request.user))
    if student_id is not None:
        evidence = evidence.filter(student_id=student_id)
    if target_id is not None:
        evidence = evidence.filter(target_id=target_id)
    if since is not None:
        evidence = evidence.filter(observed_at__gte=as_utc(since))
    if until is not None:
        evidence = evidence.filter(observed_at__lt=as_utc(until))
    if not include_voided:
        evidence = evidence.filter(is_voided=False)
    return evidence.select_related("target").order_by("-observed_at", "-id")


@router.post("/evidence", response={201: EvidenceOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def evidence_create(request: HttpRequest, body: EvidenceIn) -> Status[Evidence]:
    """Record one score; the caller must teach or lead the student (403 otherwise)."""
    student = access_student_by_id(request.user, body.student_id)
    target = (
        targets_visible_to(request.user)
        .filter(pk=body.target_id)
        .select_related("competency__domain__framework__scale")
        .first()
    )
    if target is None:
        raise Http404("No such target.")
    evidence = evidence_record(
        actor=request.user,
        student=student,
        target=target,
        score=body.score,
        observed_at=body.observed_at,
        kind=body.kind,
        source=EvidenceSource.TEACHER,
        dok=body.dok,
        comment=body.comment,
    )
    return Status(201, evidence)


@router.post(
    "/evidence/{evidence_id}/void",
    response={200: EvidenceOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def evidence_void_view(request: HttpRequest, body: VoidIn, evidence_id: int = ID) -> Evidence:
    evidence = (
        Evidence.objects.filter(pk=evidence_id, student__in=students_visible_to(request.user))
        .select_related("target")
        .first()
    )
    if evidence is None:
        raise Http404("No such evidence.")
    return evidence_void(actor=request.user, evidence=evidence, reason=body.reason)
