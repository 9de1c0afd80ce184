"""The default sensitive tags (特殊人群): code, Chinese name, English name."""

DEFAULT_TAGS = [
    ("elderly_living_alone", "独居老人", "Elderly living alone"),
    ("empty_nest_elderly", "空巢老人", "Empty-nest elderly"),
    ("child_in_difficulty", "困境儿童", "Child in difficulty"),
    ("left_behind_child", "留守儿童", "Left-behind child"),
    ("disabled", "残疾人", "Person with a disability"),
    ("low_income", "低保户", "Minimum-living-allowance household"),
    ("special_care", "优抚对象", "Entitled group (veterans and families)"),
    ("serious_illness", "重病患者", "Serious illness"),
    ("veteran", "退役军人", "Veteran"),
]


def seed_default_tags(model: type) -> None:
    for code, zh, en in DEFAULT_TAGS:
        model.objects.update_or_create(code=code, defaults={"name_zh": zh, "name_en": en})  # type: ignore[attr-defined]
