"""Facility categories the planning rules use that the register's catalogue may lack; seeded idempotently."""

# (code, Chinese, English, default scenario) — GB 50180-2018 facility types used by the default rules.
PLANNING_CATEGORIES = [
    ("fitness_ground", "室外综合健身场地", "Outdoor fitness ground", "health"),
    ("sports_centre", "体育场（馆）或全民健身中心", "Sports centre", "health"),
    ("elderly_care_home", "养老院", "Care home for the elderly", "health"),
    ("community_service_centre", "社区服务中心（街道级）", "Sub-district service centre", "services"),
]


def seed_planning_categories(model: type) -> None:
    for code, zh, en, scenario in PLANNING_CATEGORIES:
        model.objects.get_or_create(  # type: ignore[attr-defined]
            code=code, defaults={"name_zh": zh, "name_en": en, "default_scenario": scenario, "in_standard": True}
        )
