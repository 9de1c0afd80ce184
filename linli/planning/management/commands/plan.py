"""`linli plan`: the life-circle health check on files, with a progress bar. The same engine the pages use.

Every user error (a bad option, a missing or malformed file, an invalid rules file, a point far from the network)
ends with a message in the chosen language (``--lang``, default the site's language) and exit code 2, never a
traceback; what is found without computing anything is found before the run starts.
"""

import argparse
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from linli.planning.core import PlanningError, SitingRequest, run_plan
from linli.planning.core.runner import MAX_SITES
from linli.planning.messages import translate

USER_ERROR = 2


def parse_site(value: str) -> SitingRequest:
    """CATEGORY:K:CANDIDATES.geojson, checked as far as it can be without reading the rules."""
    parts = value.split(":", 2)
    if len(parts) != 3 or not all(parts):
        raise argparse.ArgumentTypeError(
            _("--site takes CATEGORY:K:CANDIDATES.geojson, not %(value)s") % {"value": repr(value)}
        )
    category, k, candidates = parts
    try:
        count = int(k)
    except ValueError:
        count = 0
    if not 1 <= count <= MAX_SITES:
        raise argparse.ArgumentTypeError(
            _("--site %(value)s: K must be a whole number between 1 and %(max)s, not %(k)s")
            % {"value": repr(value), "max": MAX_SITES, "k": repr(k)}
        )
    return SitingRequest(category=category, k=count, candidates_path=Path(candidates))


def argv_lang(argv: list[str]) -> str | None:
    """The value of --lang on a command line, if any."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _language(chosen: str | None) -> str:
    """--lang, else the terminal's locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG) when it is Chinese or English,
    else the site's language."""
    known = {code for code, _name in settings.LANGUAGES}
    if chosen in known:
        return str(chosen)
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "").lower()
        if value.startswith("zh"):
            return "zh-hans"
        if value.startswith("en"):
            return "en"
    return settings.LANGUAGE_CODE


def _user_error(message: str) -> CommandError:
    return CommandError(message, returncode=USER_ERROR)


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
            help="CATEGORY:K:CANDIDATES.geojson — choose K new sites for a category or a composite of the rules "
            "(e.g. minsheng_hub); repeatable",
        )
        parser.add_argument("--out", help="write the full result as JSON here (default: stdout)")
        parser.add_argument(
            "--lang",
            choices=[code for code, _name in settings.LANGUAGES],
            help=f"language of messages and warnings (default: the terminal's, else {settings.LANGUAGE_CODE})",
        )

    def run_from_argv(self, argv: list[str]) -> None:
        # option errors (argparse's, before handle) are in the chosen language too
        with translation.override(_language(argv_lang(argv))):
            super().run_from_argv(argv)

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(_language(options.get("lang"))):
            self._handle(options)

    def _check_files(self, options: dict[str, Any], sites: list[SitingRequest]) -> None:
        """Missing files and an unwritable --out are found before any work."""
        for option in ("network", "buildings", "facilities", "communities", "rules"):
            value = options.get(option)
            if value and not Path(value).is_file():
                raise _user_error(_("--%(option)s: file %(path)s does not exist") % {"option": option, "path": value})
        for site in sites:
            if not Path(site.candidates_path).is_file():
                raise _user_error(
                    _("--site %(category)s: candidates file %(path)s does not exist")
                    % {"category": site.category, "path": site.candidates_path}
                )
        out = options.get("out")
        if out:
            folder = Path(out).resolve().parent
            if not folder.is_dir():
                raise _user_error(_("--out: folder %(path)s does not exist") % {"path": folder})
            if not os.access(folder, os.W_OK) or Path(out).is_dir():
                raise _user_error(_("--out: cannot write %(path)s") % {"path": out})

    def _handle(self, options: dict[str, Any]) -> None:
        width = 30

        def progress(done: int, total: int, message: str) -> None:
            filled = int(width * done / max(total, 1))
            text = translate(message)[:50]
            self.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:3d}% {text:<50}", ending="")
            self.stderr.flush()

        try:
            sites = [s if isinstance(s, SitingRequest) else parse_site(s) for s in options["site"]]
        except argparse.ArgumentTypeError as exc:
            raise _user_error(str(exc)) from None
        self._check_files(options, sites)
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
        except PlanningError as exc:
            self.stderr.write("")
            raise _user_error(translate(exc)) from exc
        except OSError as exc:
            self.stderr.write("")
            raise _user_error(str(exc)) from exc
        except UnicodeDecodeError as exc:  # e.g. a GeoJSON network saved in another encoding
            self.stderr.write("")
            raise _user_error(_("An input file is not UTF-8 text: %(detail)s") % {"detail": exc}) from exc
        self.stderr.write("")
        for warning in result.warnings:
            self.stderr.write(_("Warning: %(message)s") % {"message": translate(warning)})
        text = result.to_json(indent=2)
        if options["out"]:
            try:
                Path(options["out"]).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise _user_error(str(exc)) from exc
            self.stdout.write(_("wrote %(path)s") % {"path": options["out"]})
        else:
            self.stdout.write(text)
        for row in result.to_dict()["index"]:
            if row["under_supplied"]:  # under the rules' line (under_supplied_below)
                self.stderr.write(_("%(community)s: supply index %(index)s, under-supplied") % row)
            else:
                self.stderr.write(_("%(community)s: supply index %(index)s") % row)
