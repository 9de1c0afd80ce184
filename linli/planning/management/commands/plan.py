"""`linli plan`: the life-circle health check on files, with a progress bar. The same engine the pages use."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linli.planning.core import PlanningError, SitingRequest, run_plan


def parse_site(value: str) -> SitingRequest:
    try:
        category, k, candidates = value.split(":", 2)
        return SitingRequest(category=category, k=int(k), candidates_path=Path(candidates))
    except ValueError:
        raise CommandError(f"--site takes CATEGORY:K:CANDIDATES.geojson, not {value!r}") from None


class Command(BaseCommand):
    help = (
        "Walking access, coverage, supply index, gaps and where to build next, computed on a walking "
        "network (OSM PBF/XML or GeoJSON lines) from GeoJSON buildings and facilities."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--network", required=True, help="OSM .pbf/.osm or GeoJSON lines")
        parser.add_argument("--buildings", required=True, help="GeoJSON: community and age-band counts")
        parser.add_argument("--facilities", required=True, help="GeoJSON points with a category")
        parser.add_argument("--communities", help="GeoJSON polygons with a code")
        parser.add_argument("--rules", help="rules file (default: the shipped GB 50180-2018 rules)")
        parser.add_argument("--profile", default="", help="walking profile of the rules, e.g. elder or wheelchair")
        parser.add_argument(
            "--site",
            action="append",
            default=[],
            type=parse_site,
            help="CATEGORY:K:CANDIDATES.geojson — choose K new sites; repeatable",
        )
        parser.add_argument("--out", help="write the full result as JSON here (default: stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        width = 30

        def progress(done: int, total: int, message: str) -> None:
            filled = int(width * done / max(total, 1))
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {message[:50]:<50}")
            sys.stderr.flush()

        sites = [s if isinstance(s, SitingRequest) else parse_site(s) for s in options["site"]]
        try:
            result = run_plan(
                options["network"],
                options["facilities"],
                options["buildings"],
                options["rules"],
                options["communities"],
                siting=sites,
                progress=progress,
                profile=options["profile"],
            )
        except (PlanningError, OSError) as exc:
            sys.stderr.write("\n")
            raise CommandError(str(exc)) from exc
        sys.stderr.write("\n")
        text = result.to_json(indent=2)
        if options["out"]:
            Path(options["out"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {options['out']}")
        else:
            self.stdout.write(text)
        for row in result.to_dict()["index"]:
            self.stderr.write(f"{row['community']}: supply index {row['index']}")
