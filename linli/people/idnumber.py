"""The 18-character resident identity number (GB 11643-1999): checking and masking."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def normalise(value: str) -> str:
    return value.strip().upper()


def validate_id_number(value: str) -> None:
    value = normalise(value)
    if len(value) != 18 or not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise ValidationError(_("An ID number has 18 characters: 17 digits and a digit or X."), code="id_format")
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(_("The birth date inside this ID number is not a real date."), code="id_birth") from None
    if check_char(value[:17]) != value[17]:
        raise ValidationError(_("This ID number's check character is wrong: please check it again."), code="id_check")


def birth_date_of(value: str) -> dt.date:
    value = normalise(value)
    return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


MASK_KEEPS = 4


def mask(value: str) -> str:
    """Keep only the last 4 characters: **************1234. The first 6 digits are the region and the next 8 the
    birth date: with either shown, the check character leaves few candidates (see docs/privacy.md)."""
    value = normalise(value)
    return "*" * (len(value) - MASK_KEEPS) + value[-MASK_KEEPS:]


def make_id_number(region: str, birth: dt.date, sequence: int) -> str:
    """A valid number for demo and test data."""
    first17 = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_char(first17)
