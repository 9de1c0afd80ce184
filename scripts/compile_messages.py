"""Compile every locale/*/LC_MESSAGES/*.po into .mo with polib (no GNU gettext needed at install time)."""

import sys
from pathlib import Path

import polib

root = Path(__file__).resolve().parents[1] / "locale"  # project-wide; each app may have its own locale/ too
count = 0
for po_path in sorted([*root.glob("*/LC_MESSAGES/*.po"), *root.parent.glob("linli/*/locale/*/LC_MESSAGES/*.po")]):
    po = polib.pofile(str(po_path))
    mo_path = po_path.with_suffix(".mo")
    # a catalogue newer than its source is left as it is (a test run may be reading it)
    if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
        po.save_as_mofile(str(mo_path))
        count += 1
    untranslated = len(po.untranslated_entries())
    if untranslated:
        sys.stderr.write(f"{po_path}: {untranslated} untranslated entries\n")
print(f"compiled {count} message catalogue(s); the others were up to date")
