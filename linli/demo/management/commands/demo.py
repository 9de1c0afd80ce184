import time
from random import Random
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from tqdm import tqdm

from linli.core.database import refresh_statistics
from linli.core.demo import DemoContext
from linli.core.seeds import seed_all
from linli.demo.steps import DEMO_STEP_NAMES
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
        verbose = int(options.get("verbosity", 1)) >= 2
        bar = tqdm(
            total=len(DEMO_STEP_NAMES),
            file=self.stdout._out,  # the stream itself: the wrapper would end every redraw with a newline
            bar_format="{desc} {bar:30} {n_fmt}/{total_fmt} [{elapsed}]",
            ascii=" ▏▎▍▌▋▊▉█",
            disable=int(options.get("verbosity", 1)) == 0,
        )

        def progress(message: str) -> None:
            # each step's own notes only when asked for (-v 2): the bar and the summary say the rest
            if verbose:
                bar.write(f"[{time.monotonic() - started:5.1f}s] {message}", file=self.stdout._out)

        ctx = DemoContext(seed=seed, random=Random(seed), today=timezone.localdate(), progress=progress)
        for dotted, name in DEMO_STEP_NAMES:
            bar.set_description_str(f"正在生成：{name}")
            # each step draws from its own source, so that what one step draws cannot shift the steps after it
            ctx.random = Random(f"{seed}:{dotted}")
            with transaction.atomic():
                import_string(dotted)(ctx)
            refresh_statistics()  # the next steps read what this one wrote
            bar.update()
        bar.set_description_str("演示数据已生成")
        bar.close()
        from linli.demo.figures import demo_figures, summary_lines

        self.stdout.write(
            f"\n演示街道：{ctx.street.name}（{ctx.today:%Y年%-m月%-d日}生成，用时 {time.monotonic() - started:.0f} 秒）"
        )
        for line in summary_lines(demo_figures(ctx.today)):
            self.stdout.write(f"  {line}")
        self._print_logins(ctx)

    def _print_logins(self, ctx: DemoContext | None) -> None:
        from linli.demo.foundation import demo_logins

        rows = ctx.logins if ctx else demo_logins()
        self.stdout.write("\n演示账号（密码 linli2026，也可用短信验证码登录，验证码打印在本控制台）：")
        for role, mobile, where in rows:
            self.stdout.write(f"  {role:<18} {mobile}  {where}")
        self.stdout.write("地图数据 © OpenStreetMap contributors (ODbL).")
