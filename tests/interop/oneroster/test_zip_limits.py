"""An uploaded OneRoster zip is bounded: entry count, uncompressed size of the files read, and
entries a bundle does not need are never decompressed; each limit answers with a clear error."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from masterypath.interop.oneroster.errors import OneRosterImportError
from masterypath.interop.oneroster.reader import read_bundle
from masterypath.jobs.models import Job, JobStatus
from tests.conftest import World, user_of
from tests.interop.conftest import ONEROSTER_DATA

pytestmark = pytest.mark.django_db
BUNDLE = ONEROSTER_DATA / "edfi-lms-toolkit-v1p1"


def _zip_bytes(*, junk: int = 0, junk_size: int = 10, big: bytes | None = None) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in BUNDLE.iterdir():
            data = path.read_bytes()
            if big is not None and path.name == "users.csv":
                data += big
            archive.writestr(path.name, data)
        for n in range(junk):
            archive.writestr(f"junk/{n}.csv", b"0" * junk_size)
    return buffer.getvalue()


def _upload(world: World, data: bytes) -> Job:
    client = Client()
    client.force_login(user_of(world, "admin_d1"))
    client.post(
        "/district/imports/oneroster/",
        {"bundle": SimpleUploadedFile("bundle.zip", data, content_type="application/zip")},
    )
    return Job.objects.latest("id")


def _messages(job: Job) -> str:
    return " ".join(str(error) for error in job.errors)


@override_settings(ONEROSTER_ZIP_MAX_ENTRIES=50)
def test_a_zip_with_too_many_entries_is_refused_before_any_is_read(world: World) -> None:
    with mock.patch.object(zipfile.ZipFile, "read", side_effect=AssertionError("read")):
        job = _upload(world, _zip_bytes(junk=60))
    assert job.status == JobStatus.FAILED
    assert "entries; a OneRoster bundle needs about 20 and at most 50 are accepted" in (
        _messages(job)
    )


@override_settings(ONEROSTER_ZIP_MAX_BYTES=1_000_000)
def test_a_bundle_that_unpacks_too_large_is_refused(world: World) -> None:
    """Two megabytes of zeros compress to a few kilobytes: the uncompressed size counts."""
    data = _zip_bytes(big=b"0" * 2_000_000)
    assert len(data) < 100_000
    job = _upload(world, data)
    assert job.status == JobStatus.FAILED
    assert "unpack to 2 MB; at most 1 MB are accepted" in _messages(job)


def test_entries_the_bundle_does_not_need_are_never_decompressed(tmp_path: Path) -> None:
    """Junk entries (the 1.55 MB zip of junk that took the server to 2 GB) are listed in a
    warning but not read: only the manifest and the OneRoster files are."""
    path = tmp_path / "bundle.zip"
    path.write_bytes(_zip_bytes(junk=500, junk_size=100_000))
    reads: list[str] = []
    original = zipfile.ZipFile.read

    def spy(self: zipfile.ZipFile, name: object, pwd: bytes | None = None) -> bytes:
        reads.append(getattr(name, "filename", str(name)))
        return original(self, name, pwd)  # type: ignore[arg-type]

    with mock.patch.object(zipfile.ZipFile, "read", spy):
        bundle = read_bundle(path)
    assert bundle.tables
    assert not [name for name in reads if name.startswith("junk/")]
    assert len(reads) == len(list(BUNDLE.iterdir()))


def test_the_default_limits_accept_a_real_bundle(tmp_path: Path) -> None:
    path = tmp_path / "bundle.zip"
    path.write_bytes(_zip_bytes())
    try:
        read_bundle(path)
    except OneRosterImportError as error:  # pragma: no cover - the message says why
        pytest.fail(str(error))
