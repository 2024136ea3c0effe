"""Progress of a running job, visible to the pages while the job's own transaction is open.

An import applies its changes in one transaction, so a progress update it makes to its job row
inside that transaction stays invisible to every other connection until the import commits. The
reporter therefore writes progress beside the handler's transaction:

- on PostgreSQL, through a second connection of its own (autocommit), straight to the job row:
  the page sees it whichever machine the worker runs on;
- on SQLite, which lets one connection write at a time (the import holds that lock until it
  commits), to a small JSON file under ``DATA_DIR/jobs/``; the selectors read it while the job
  runs. A SQLite deployment is one machine, so web and workers share that folder.

Outside a transaction the reporter updates the job row itself.
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from masterypath.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)

WRITE_INTERVAL = 0.25  # seconds between two writes: a page polls once a second


def progress_path(job_id: int) -> Path:
    return Path(settings.DATA_DIR) / "jobs" / f"{job_id}.progress.json"


class _FileChannel:
    """SQLite: progress in a file the pages read, replaced atomically on each write."""

    def __init__(self, job_id: int) -> None:
        self.path = progress_path(job_id)
        self.written = False

    def write(self, job: Job) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        scratch = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        scratch.write_text(
            json.dumps({"progress": job.progress, "total": job.total, "message": job.message})
        )
        os.replace(scratch, self.path)
        self.written = True

    def clear(self) -> None:
        if self.written:
            self.path.unlink(missing_ok=True)
            self.written = False

    def close(self) -> None:
        self.clear()


class _ConnectionChannel:
    """PostgreSQL: the job row, updated through a second connection that commits at once."""

    def __init__(self) -> None:
        self.side: BaseDatabaseWrapper | None = None
        self.broken = False

    def write(self, job: Job) -> None:
        if self.broken:
            return
        table = connection.ops.quote_name(Job._meta.db_table)
        try:
            if self.side is None:
                self.side = connections.create_connection(DEFAULT_DB_ALIAS)
                with self.side.cursor() as cursor:
                    # Never wait on a lock: a progress bar is not worth a stalled import.
                    cursor.execute("SET lock_timeout = '2s'")
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET progress = %s, total = %s, message = %s "  # noqa: S608 (our own table name)
                    "WHERE id = %s AND status = %s",
                    [job.progress, job.total, job.message, job.pk, JobStatus.RUNNING],
                )
        except DatabaseError:
            logger.warning("Progress of job %s is not visible until it ends", job.pk, exc_info=True)
            self.broken = True

    def clear(self) -> None:
        """Nothing to undo: the row itself holds the progress."""

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


class ProgressReporter:
    """Given to a handler: ``report(done, total, message)`` as the work advances.

    Writes at most every WRITE_INTERVAL seconds. A job started inside a caller's transaction
    (the immediate backend) has a row nobody else can see yet, so it writes only in memory.
    """

    def __init__(self, job: Job) -> None:
        self.job = job
        self.last_write = -math.inf
        self.channel: _FileChannel | _ConnectionChannel | None = None
        if not connection.in_atomic_block:
            sqlite = connection.vendor == "sqlite"
            self.channel = _FileChannel(job.pk) if sqlite else _ConnectionChannel()

    def __call__(self, done: int, total: int | None = None, message: str | None = None) -> None:
        job = self.job
        job.progress = max(0, done)
        if total is not None:
            job.total = max(0, total)
        if message is not None:
            job.message = message[:255]
        now = time.monotonic()
        if self.channel is None or now - self.last_write < WRITE_INTERVAL:
            return
        self.last_write = now
        if connection.in_atomic_block:
            self.channel.write(job)
        else:
            Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
                progress=job.progress, total=job.total, message=job.message
            )
            self.channel.clear()

    def close(self) -> None:
        if self.channel is not None:
            self.channel.close()


def job_with_live_progress(job: Job) -> Job:
    """The job with the progress its worker wrote beside its transaction, if any."""
    if job.status != JobStatus.RUNNING:
        return job
    try:
        live: dict[str, Any] = json.loads(progress_path(job.pk).read_text())
    except (OSError, ValueError):
        return job
    job.progress = int(live.get("progress", job.progress))
    job.total = int(live.get("total", job.total))
    job.message = str(live.get("message", job.message))
    return job
