"""The days on "my bookings" are written once per row in Python: the same text as the template's `date` filter,
in the current time zone and language."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils import timezone, translation

from linli.facilities.mine import day_labels


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_day_labels_read_as_the_date_filter(language: str) -> None:
    late_evening_utc = dt.datetime(2026, 3, 1, 17, 30, tzinfo=dt.UTC)  # already the 2nd in Shanghai
    moments = [late_evening_utc + dt.timedelta(days=n, minutes=7 * n) for n in range(7)]
    days = [dt.date(2026, 12, 1) + dt.timedelta(days=n) for n in range(7)]
    with translation.override(language):
        timed = [SimpleNamespace(at=m) for m in moments]
        day_labels(timed, lambda row: row.at, with_time=True)
        assert [r.day_label for r in timed] == [date_filter(timezone.localtime(m), "m-d D H:i") for m in moments]
        dated = [SimpleNamespace(day=d) for d in days]
        day_labels(dated, lambda row: row.day, with_time=False, field="label")
        assert [r.label for r in dated] == [date_filter(d, "m-d D") for d in days]
    assert timed[0].day_label.startswith("03-02")
