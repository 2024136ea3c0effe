"""Alerts: when a student newly meets a rule, their teachers and their school's counselors
hear of it in the app (a coverage gap goes to the teachers only), at most once per student,
rule, area and school year; an email digest too when the district turns email on
(``MASTERYPATH_ALERT_EMAILS``, sent through Django's email backend)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from masterypath.accounts.models import User
from masterypath.earlywarning.models import Alert, ExceptionHit
from masterypath.engine.exceptions import RULE_TITLES, Rule
from masterypath.engine.school_year import school_year_label, school_year_of
from masterypath.roster.models import Enrollment, EnrollmentRole, Staff, StaffRole

HitKey = tuple[int, str, int | None]


def _teachers_of(student_ids: set[int], on: date) -> dict[int, set[int]]:
    """Student id -> user ids of the teachers of their sections running on ``on``."""
    sections: dict[int, set[int]] = defaultdict(set)
    for student_id, section_id in (
        Enrollment.objects.filter(student_id__in=student_ids, role=EnrollmentRole.STUDENT)
        .filter(
            Q(section__session__starts_on__lte=on) | Q(section__session__isnull=True),
            Q(section__session__ends_on__gte=on) | Q(section__session__isnull=True),
        )
        .values_list("student_id", "section_id")
    ):
        sections[section_id].add(student_id)
    teachers: dict[int, set[int]] = defaultdict(set)
    for section_id, user_id in Enrollment.objects.filter(
        section_id__in=list(sections), role=EnrollmentRole.TEACHER, staff__user__isnull=False
    ).values_list("section_id", "staff__user_id"):
        for student_id in sections[section_id]:
            teachers[student_id].add(user_id)
    return teachers


def alerts_create(*, district_id: int, keys: Iterable[HitKey], as_of: date) -> int:
    """Alerts for the hits with these keys (new in the last rebuild); returns how many."""
    wanted = set(keys)
    if not wanted:
        return 0
    hits = [
        hit
        for hit in ExceptionHit.objects.filter(
            district_id=district_id, student_id__in={key[0] for key in wanted}
        )
        if (hit.student_id, hit.rule, hit.domain_id) in wanted
    ]
    student_ids = {hit.student_id for hit in hits}
    teachers = _teachers_of(student_ids, as_of)
    counselors: dict[int, set[int]] = defaultdict(set)
    for school_id, user_id in Staff.objects.filter(
        district_id=district_id, role=StaffRole.COUNSELOR, user__isnull=False
    ).values_list("school_id", "user_id"):
        counselors[school_id].add(user_id)
    period = school_year_label(school_year_of(as_of))
    alerts: list[Alert] = []
    for hit in hits:
        recipients = set(teachers.get(hit.student_id, ()))
        if hit.rule != Rule.NO_RECENT_EVIDENCE:
            recipients |= counselors.get(hit.school_id, set())
        alerts.extend(
            Alert(
                recipient_id=user_id,
                student_id=hit.student_id,
                rule=hit.rule,
                domain_id=hit.domain_id,
                area_key=str(hit.domain_id) if hit.domain_id else "student",
                period=period,
                sentence=hit.sentence,
                found_on=as_of,
            )
            for user_id in sorted(recipients)
        )
    before = Alert.objects.filter(period=period).count()
    Alert.objects.bulk_create(alerts, batch_size=2000, ignore_conflicts=True)
    created = Alert.objects.filter(period=period).count() - before
    if created and settings.MASTERYPATH_ALERT_EMAILS:
        transaction.on_commit(lambda: alert_emails_send(found_on=as_of))
    return created


def alert_emails_send(*, found_on: date) -> int:
    """One email per recipient listing their alerts of ``found_on`` not emailed yet."""
    pending = (
        Alert.objects.filter(found_on=found_on, emailed_at__isnull=True)
        .select_related("student", "recipient")
        .order_by("recipient_id", "rule", "student__family_name")
    )
    by_recipient: dict[int, list[Alert]] = defaultdict(list)
    for alert in pending:
        by_recipient[alert.recipient_id].append(alert)
    staff_emails = dict(
        Staff.objects.filter(user_id__in=list(by_recipient)).values_list("user_id", "email")
    )
    sent = 0
    for user_id, alerts in by_recipient.items():
        recipient: User = alerts[0].recipient
        address = recipient.email or staff_emails.get(user_id, "")
        if not address:
            continue
        lines = [
            f"- {alert.student.given_name} {alert.student.family_name} "
            f"({RULE_TITLES[Rule(alert.rule)]}): {alert.sentence}"
            for alert in alerts
        ]
        send_mail(
            subject=f"Early warning: {len(alerts)} new for your students",
            message="New on the early warning lists of your students:\n\n"
            + "\n".join(lines)
            + "\n\nSee the digest in masterypath: /early-warning/alerts/",
            from_email=None,
            recipient_list=[address],
        )
        Alert.objects.filter(pk__in=[alert.pk for alert in alerts]).update(
            emailed_at=timezone.now()
        )
        sent += 1
    return sent


def alerts_mark_read(*, recipient: User) -> int:
    return Alert.objects.filter(recipient=recipient, read_at__isnull=True).update(
        read_at=timezone.now()
    )
