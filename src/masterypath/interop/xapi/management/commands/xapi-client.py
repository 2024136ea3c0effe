"""`masterypath xapi-client create NAME [--owner USERNAME]`: credentials for a learning tool."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masterypath.accounts.models import User
from masterypath.interop.xapi.models import XapiClient
from masterypath.interop.xapi.services import xapi_client_create, xapi_client_deactivate


class Command(BaseCommand):
    help = "Create (or list, or deactivate) xAPI and REST API clients; a password prints once."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="a new client; prints username and password once")
        create.add_argument("name")
        create.add_argument(
            "--owner", help="username of the district administrator whose students it serves"
        )
        sub.add_parser("list", help="every client")
        deactivate = sub.add_parser("deactivate", help="refuse a client's credentials")
        deactivate.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            for client in XapiClient.objects.select_related("owner"):
                state = "active" if client.is_active else "inactive"
                owner_name = client.owner.username if client.owner else "-"
                self.stdout.write(f"{client.username}\t{client.name}\towner {owner_name}\t{state}")
            return
        if action == "deactivate":
            count = xapi_client_deactivate(actor=None, username=options["username"])
            if not count and not XapiClient.objects.filter(username=options["username"]).exists():
                raise CommandError(f"No client {options['username']!r}.")
            self.stdout.write(f"Deactivated {options['username']}.")
            return
        owner = None
        if options.get("owner"):
            owner = User.objects.filter(username=options["owner"]).first()
            if owner is None:
                raise CommandError(f"No user {options['owner']!r} for --owner.")
        new = xapi_client_create(actor=None, name=options["name"], owner=owner)
        self.stdout.write(f"Created xAPI client {new.client.name!r}. Keep these; they print once.")
        self.stdout.write(f"username: {new.client.username}")
        self.stdout.write(f"password: {new.password}")
        self.stdout.write(f"API token (REST API, Authorization: Bearer): {new.api_token}")
        if owner is None:
            self.stdout.write(
                "No --owner: statements are stored but none becomes evidence until an "
                "administrator sets the owner in the admin pages."
            )
