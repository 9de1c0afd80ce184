"""`linli import-register FILE --community CODE [--dry-run]`: the resident register from a workbook (issue #17).

Prints the counts (created, updated, unchanged, refused), then one line per reason a row was refused,
`row N: <column>: <reason>` (a row refused for two reasons gives two lines). Exits 0 when nothing was refused and
1 otherwise (also when the file cannot be read at all). The counts line and the `row N:` prefix are the same in every
language, for scripts; the reasons speak the site's language, or the one `--lang` names.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from linli.core.errors import DomainError
from linli.people.importing import register_apply, register_plan
from linli.places.models import Community


class Command(BaseCommand):
    help = "Import the resident register from an Excel workbook (.xlsx) or a CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the register: .xlsx or .csv")
        parser.add_argument("--community", required=True, help="the community's code")
        parser.add_argument("--dry-run", action="store_true", help="say what would happen; write nothing")
        parser.add_argument(
            "--create-buildings", action="store_true", help="create buildings (and 小区) the register names"
        )
        parser.add_argument(
            "--lang", choices=[code for code, _name in settings.LANGUAGES], help="language of the output"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["lang"] or settings.LANGUAGE_CODE):
            refused = self._run(options)
        if refused:
            raise SystemExit(1)

    def _run(self, options: dict[str, Any]) -> int:
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc.strerror}) from None
        community = Community.objects.filter(code=options["community"]).first()
        if community is None:
            raise CommandError(_("No community with the code %(code)s.") % {"code": options["community"]})
        try:
            plan = register_plan(
                actor=None,
                community=community,
                content=content,
                file_name=path.name,
                create_buildings=options["create_buildings"],
            )
            if not options["dry_run"]:
                register_apply(actor=None, plan=plan, via="cli")
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        counts = plan.counts
        if options["dry_run"]:
            self.stdout.write(_("Dry run: nothing was written."))
        self.stdout.write(
            "created: {created}, updated: {updated}, unchanged: {unchanged}, refused: {refused}".format(**counts)
        )
        for outcome in plan.refused:
            for column, reason in outcome.problems:
                self.stdout.write(f"row {outcome.number}: {column}: {reason}")
        return counts["refused"]
