"""Age and age tiers derive from the birth date on the day asked; they are never stored."""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgeTier(models.TextChoices):
    INFANT = "infant", _("0–3")
    PRESCHOOL = "preschool", _("3–6")
    PUPIL = "pupil", _("6–12")
    TEEN = "teen", _("12–18")
    ADULT = "adult", _("18–59")
    SENIOR_60 = "senior_60", _("60–69")
    SENIOR_70 = "senior_70", _("70–79")
    SENIOR_80 = "senior_80", _("80+")


# Lower bound of each tier, in years, in order.
TIER_BOUNDS: tuple[tuple[int, AgeTier], ...] = (
    (80, AgeTier.SENIOR_80),
    (70, AgeTier.SENIOR_70),
    (60, AgeTier.SENIOR_60),
    (18, AgeTier.ADULT),
    (12, AgeTier.TEEN),
    (6, AgeTier.PUPIL),
    (3, AgeTier.PRESCHOOL),
    (0, AgeTier.INFANT),
)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def age_by_year(birth_date: dt.date, day: dt.date) -> int:
    """The age reached in `day`'s calendar year. It changes on 1 January for everyone, so watching it day by day
    tells the birth year and never the birthday (what roles that may not see birth dates are shown)."""
    return day.year - birth_date.year


def tier_of(age: int) -> AgeTier:
    for lower, tier in TIER_BOUNDS:
        if age >= lower:
            return tier
    raise ValueError("age must not be negative")


def born_on_or_before_for_age(age: int, day: dt.date) -> dt.date:
    """Latest birth date of someone at least `age` years old on `day` (for filtering by age in SQL)."""
    try:
        return day.replace(year=day.year - age)
    except ValueError:  # 29 February
        return day.replace(year=day.year - age, day=28)
