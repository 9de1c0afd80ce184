"""The seeded facility catalogue (GB 50180-2018 types and the Future Community spaces).

The codes are a contract with the planning engine's rules file: keep them exactly."""

# (code, Chinese, English, default scenario, in GB 50180-2018)
CATEGORIES = [
    ("community_service_station", "社区服务站", "Community service station", "services", True),
    ("elderly_canteen", "社区食堂/老年食堂", "Community and elderly canteen", "health", True),
    ("kindergarten", "幼儿园", "Kindergarten", "education", True),
    ("nursery", "托儿所", "Nursery", "education", True),
    ("childcare", "托育 0–3", "Childcare 0–3", "education", False),
    ("elderly_day_care", "老年人日间照料中心", "Elderly day-care centre", "health", True),
    ("home_care_station", "居家养老服务站", "Home-care station", "health", True),
    ("culture_station", "文化活动站", "Culture station", "neighbourhood", True),
    ("culture_centre", "文化活动中心", "Culture centre", "neighbourhood", True),
    ("sports_ground", "小型多功能运动场地", "Small multi-purpose sports ground", "health", True),
    ("after_school_class", "四点半课堂", "After-school class", "education", False),
    ("primary_school", "小学", "Primary school", "education", True),
    ("middle_school", "初中", "Middle school", "education", True),
    ("health_centre", "社区卫生服务中心", "Community health centre", "health", True),
    ("health_station", "卫生服务站", "Health station", "health", True),
    ("market", "菜市场", "Food market", "services", True),
    ("bus_stop", "公交车站", "Bus stop", "transport", True),
    ("shared_study_room", "共享书房", "Shared study room", "education", False),
    ("neighbourhood_centre", "邻里中心", "Neighbourhood centre", "neighbourhood", False),
    ("livelihood_hub", "民生坊", "Livelihood hub", "services", False),
    ("co_working", "众创空间", "Co-working space", "enterprise", False),
    ("meeting_hall", "议事厅", "Meeting hall", "governance", False),
    ("convenience_store", "便利店", "Convenience store", "services", True),
]


def seed_categories(model: type) -> None:
    """Idempotent: the data migration (with its historical model) and the seeds after a flush call it."""
    for sort, (code, zh, en, scenario, standard) in enumerate(CATEGORIES, start=1):
        model.objects.update_or_create(  # type: ignore[attr-defined]
            code=code,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "default_scenario": scenario,
                "in_standard": standard,
                "sort": sort,
            },
        )


def ensure_catalogue() -> None:
    """Make sure every seeded category exists (after a test flush, or on a database restored without them)."""
    from .models import FacilityCategory

    seed_categories(FacilityCategory)
