"""`masterypath worker`: run background jobs (imports, recomputes, reports) as they are queued.

A thin wrapper around the configured backend's own worker, so that one command works for both:
`db_worker` (django-tasks-db) for MASTERYPATH_TASKS=database, `rqworker` (django-rq, with the
job class django-tasks-rq needs) for MASTERYPATH_TASKS=rq. Run one or more beside the web
servers; with RQ they may run on other machines.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_rq import RQBackend


class Command(BaseCommand):
    help = "Run queued background jobs with the backend MASTERYPATH_TASKS names."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="Run what is queued, then stop (RQ: burst)."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds between two looks at an empty queue (database backend).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        backend = task_backends["default"]
        queue = settings.TASKS_QUEUE
        verbosity = options["verbosity"]
        if isinstance(backend, DatabaseBackend):
            call_command(
                "db_worker",
                queue_name=queue,
                interval=options["interval"],
                batch=options["batch"],
                reload=False,
                startup_delay=False,
                verbosity=verbosity,
            )
        elif isinstance(backend, RQBackend):
            call_command(
                "rqworker",
                queue,
                job_class="django_tasks_rq.Job",
                burst=options["batch"],
                verbosity=verbosity,
            )
        else:
            raise CommandError(
                f"The task backend is {type(backend).__name__}: it runs each job in the process "
                "that starts it, so there is nothing for a worker to do. "
                "Set MASTERYPATH_TASKS=database or rq."
            )
