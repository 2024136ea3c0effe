"""What the district admin pages share: the district of the signed-in admin."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from masterypath.roster.access import district_administered_by


def admin_district_id(request: HttpRequest) -> int:
    """The district of the signed-in district admin; 404 for anyone else."""
    district_id = district_administered_by(request.user)
    if district_id is None:
        raise Http404("No such page.")
    return district_id
