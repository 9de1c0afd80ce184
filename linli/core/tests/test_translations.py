"""Django merges every app's catalogue with the project one, so a msgid (with its msgctxt) may have one translation.

When two catalogues translate the same (msgctxt, msgid) differently, one app silently shows the other's word. Give
the msgid a context where the meaning differs, or use the same wording everywhere where it does not.
"""

from collections import defaultdict
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[3]
LANGUAGES = ("zh_Hans",)


def _catalogues(language: str) -> list[Path]:
    project = sorted(ROOT.glob(f"locale/{language}/LC_MESSAGES/django.po"))
    apps = sorted(ROOT.glob(f"linli/*/locale/{language}/LC_MESSAGES/django.po"))
    return [*project, *apps]


def _translation(entry: polib.POEntry) -> str | tuple[tuple[int, str], ...]:
    if entry.msgid_plural:
        return tuple(sorted(entry.msgstr_plural.items()))
    return entry.msgstr


def _is_translated(entry: polib.POEntry) -> bool:
    if entry.obsolete or entry.fuzzy:
        return False
    if entry.msgid_plural:
        return all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def collisions(language: str) -> list[str]:
    seen: dict[tuple[str | None, str, str], dict[str, object]] = defaultdict(dict)
    for path in _catalogues(language):
        name = str(path.relative_to(ROOT))
        for entry in polib.pofile(str(path)):
            if _is_translated(entry):
                seen[(entry.msgctxt, entry.msgid, entry.msgid_plural)][name] = _translation(entry)
    found = []
    for key in sorted(seen, key=lambda key: (key[1], key[0] or "")):
        context, msgid, _plural = key
        by_catalogue = seen[key]
        if len(set(by_catalogue.values())) > 1:
            wordings = "; ".join(f"{name}: {wording!r}" for name, wording in sorted(by_catalogue.items()))
            found.append(f"msgctxt={context!r} msgid={msgid!r} -> {wordings}")
    return found


def test_catalogues_are_found() -> None:
    for language in LANGUAGES:
        assert len(_catalogues(language)) > 1


def test_no_msgid_is_translated_differently_by_two_catalogues() -> None:
    for language in LANGUAGES:
        found = collisions(language)
        assert not found, f"{len(found)} msgid(s) translated differently in {language}:\n" + "\n".join(found)
