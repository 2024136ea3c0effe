"""`masterypath seed_demo --seed 42`: build the demo district (once; --reset rebuilds)."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from masterypath.demo.seed import DEFAULT_AS_OF, DEMO_LOGINS, DEMO_PASSWORD, demo_exists, seed_demo


class Command(BaseCommand):
    help = "Build the demo district: 3 schools, ~900 students, 4 frameworks, 2 years of evidence."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=42, help="Random seed (default 42).")
        parser.add_argument("--students", type=int, default=900, help="Number of students.")
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=DEFAULT_AS_OF,
            help="Last day with evidence, YYYY-MM-DD (default %(default)s).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Empty the database first, then build the demo again.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_exists() and not options["reset"]:
            self.stdout.write("The demo district is already loaded; --reset rebuilds it.")
        else:
            if options["reset"]:
                call_command("flush", interactive=False, verbosity=0)
            started = time.perf_counter()

            def progress(step: str) -> None:
                self.stdout.write(f"  {time.perf_counter() - started:5.1f}s  {step}")

            report = seed_demo(
                seed=options["seed"],
                students=options["students"],
                as_of=options["as_of"],
                progress=progress,
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo district built in {time.perf_counter() - started:.1f}s: "
                    f"{report.counts['students']} students, "
                    f"{report.counts['evidence']} evidence rows."
                )
            )
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for role, username in DEMO_LOGINS.items():
            self.stdout.write(f"  {role.label:<24} {username}")
