"""`masterypath worker`: run queued background jobs (imports and the like)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection

from masterypath.jobs.services import job_claim_next, job_run


class Command(BaseCommand):
    help = "Run queued background jobs; use with MASTERYPATH_JOBS=worker on the web servers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Drain the queue, then stop.")
        parser.add_argument("--poll", type=float, default=1.0, help="Seconds between polls.")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            if not connection.in_atomic_block:  # a test's transaction is not ours to close
                close_old_connections()
            job = job_claim_next()
            if job is None:
                if options["once"]:
                    return
                time.sleep(options["poll"])
                continue
            done = job_run(job_id=job.pk, claimed=True)
            self.stdout.write(f"job {done.pk} {done.kind}: {done.status} - {done.message}")
