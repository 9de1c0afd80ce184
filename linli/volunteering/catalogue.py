"""The kinds of volunteer activity every community starts with; its staff add, rename and retire them."""

from typing import Any

# (former `Activity.kind` code, name, scenario)
DEFAULT_TYPES: list[tuple[str, str, str]] = [
    ("festival", "邻里节", "neighbourhood"),
    ("clinic", "义诊", "health"),
    ("performance", "文艺汇演", "neighbourhood"),
    ("course", "公益课程", "education"),
    ("service", "志愿服务", "services"),
    ("clean_up", "环境整治", "low_carbon"),
    ("visit", "走访慰问", "health"),
]
NAME_OF_KIND = {kind: name for kind, name, _ in DEFAULT_TYPES}


def seed_activity_types(model: Any, community_id: int) -> None:
    """Idempotent: a community that has no activity types (not even retired ones) gets the seven defaults. The
    data migration (with its historical model), the demo and the first use of a new community call it."""
    if model.objects.filter(community_id=community_id).exists():
        return
    model.objects.bulk_create(
        [model(community_id=community_id, name=name, scenario=scenario) for _, name, scenario in DEFAULT_TYPES],
        ignore_conflicts=True,
    )
