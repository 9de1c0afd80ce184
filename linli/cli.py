"""The `linli` command: Django's management commands under the project's name (`linli demo`, `linli plan`).

Commands may be written with dashes, as the issues spell them: `linli import-register` runs `import_register`
(a Django command's name cannot hold a dash)."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["linli", *args])
