"""Fill msgstr in a .po file from a Python dict module `T` ({msgid or (msgctxt, msgid): msgstr}).

Usage: python scripts/fill_translations.py path/to/django.po path/to/translations.py
Reports msgids that are still untranslated, so nothing is left in English by accident.
"""

import runpy
import sys

import polib

po = polib.pofile(sys.argv[1])
table = runpy.run_path(sys.argv[2])["T"]
for entry in po:
    key = (entry.msgctxt, entry.msgid) if entry.msgctxt else entry.msgid
    if key in table and entry.msgid_plural:
        entry.msgstr_plural = {0: table[key]}  # Chinese has one plural form
    elif key in table:
        entry.msgstr = table[key]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
po.save()
missing = [e.msgid for e in po.untranslated_entries()]
print(f"{len(po.translated_entries())} translated, {len(missing)} missing")
for msgid in missing:
    print("  missing:", msgid)
