"""Reference data that data migrations seed (catalogues, default tags). A flush empties it, so tests on a
flushed database and `linli demo --reset` seed it again through the same idempotent functions."""

from django.apps import apps
from django.utils.module_loading import import_string

SEEDS: list[tuple[str, str]] = [
    ("people.SensitiveTag", "linli.people.sensitive_tags.seed_default_tags"),
    ("facilities.FacilityCategory", "linli.facilities.catalogue.seed_categories"),
    ("facilities.FacilityCategory", "linli.planning.catalogue.seed_planning_categories"),
]


def seed_all() -> None:
    for model, function in SEEDS:
        import_string(function)(apps.get_model(model))
