import time
from random import Random
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from linli.core.database import refresh_statistics
from linli.core.demo import DemoContext
from linli.core.seeds import seed_all
from linli.demo.steps import DEMO_STEPS
from linli.places.models import Street


class Command(BaseCommand):
    help = "Build the demo street, deterministically from a seed, and print the demo logins of each role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--reset", action="store_true", help="Delete everything first and build again.")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if a demo is already loaded.")

    def handle(self, *args: Any, seed: int, reset: bool, if_empty: bool, **options: Any) -> None:
        if Street.objects.filter(code="ningwei").exists():
            if if_empty:
                self.stdout.write("The demo is already loaded (use `linli demo --reset` to build it again).")
                self._print_logins(None)
                return
            if not reset:
                raise CommandError("A demo is already loaded. Use --reset to rebuild it.")
            self.stdout.write("Removing the existing data…")
            from django.core.management import call_command

            call_command("flush", interactive=False, verbosity=0)
            seed_all()
        started = time.monotonic()

        def progress(message: str) -> None:
            self.stdout.write(f"[{time.monotonic() - started:5.1f}s] {message}")
            self.stdout.flush()

        ctx = DemoContext(seed=seed, random=Random(seed), today=timezone.localdate(), progress=progress)
        for dotted in DEMO_STEPS:
            progress(f"Building {dotted.split('.')[1]}…")
            # each step draws from its own source, so that what one step draws cannot shift the steps after it
            ctx.random = Random(f"{seed}:{dotted}")
            with transaction.atomic():
                import_string(dotted)(ctx)
            refresh_statistics()  # the next steps read what this one wrote
        progress("Done.")
        self._print_logins(ctx)

    def _print_logins(self, ctx: DemoContext | None) -> None:
        from linli.demo.foundation import demo_logins

        rows = ctx.logins if ctx else demo_logins()
        self.stdout.write("\nDemo logins (password: linli2026; or log in by SMS code, printed on this console):")
        for role, mobile, where in rows:
            self.stdout.write(f"  {role:<18} {mobile}  {where}")
        self.stdout.write("Map data © OpenStreetMap contributors (ODbL).")
