import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import import_string

from linli.core.schedule import PERIODIC_TASKS


class Command(BaseCommand):
    help = "Enqueue the periodic tasks (expiry, escalation, aggregates) when they are due. Runs until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Enqueue every periodic task once and exit.")
        parser.add_argument("--tick", type=float, default=5.0)

    def handle(self, *args: Any, once: bool, tick: float, **options: Any) -> None:
        due: dict[str, float] = {}
        while True:
            now = time.monotonic()
            for dotted, every in PERIODIC_TASKS:
                if now >= due.get(dotted, 0.0):
                    import_string(dotted).enqueue()
                    self.stdout.write(f"enqueued {dotted}")
                    due[dotted] = now + every
            if once:
                return
            time.sleep(tick)
