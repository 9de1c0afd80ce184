"""The `linli` command: Django's management commands under the project's name (`linli demo`, `linli plan`)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["linli", *sys.argv[1:]])
