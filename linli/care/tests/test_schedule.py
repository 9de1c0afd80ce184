import datetime as dt

from linli.care import schedule

D = dt.date


def test_due_and_overdue() -> None:
    assert schedule.due_on(None, 7) is None
    assert schedule.due_on(D(2026, 3, 1), 7) == D(2026, 3, 8)
    assert schedule.days_overdue(D(2026, 3, 8), D(2026, 3, 8)) == 0
    assert schedule.days_overdue(D(2026, 3, 8), D(2026, 3, 11)) == 3
    assert schedule.days_overdue(None, D(2026, 3, 11)) == 0


def test_on_time_when_no_gap_is_longer_than_the_cadence() -> None:
    start, end = D(2026, 3, 1), D(2026, 3, 31)
    weekly = [D(2026, 3, d) for d in (5, 12, 19, 26)]
    assert schedule.visited_on_time(weekly, 7, start, end, before=D(2026, 2, 27))
    # a gap of 8 days (12 → 20) is late
    assert not schedule.visited_on_time([D(2026, 3, d) for d in (5, 12, 20, 26)], 7, start, end, before=D(2026, 2, 27))
    # overdue when the month began (last visit 10 days before) is late even if visited weekly after
    assert not schedule.visited_on_time(weekly, 7, start, end, before=D(2026, 2, 19))
    # the end of the period counts: nothing after the 19th is late by the 31st
    assert not schedule.visited_on_time([D(2026, 3, d) for d in (5, 12, 19)], 7, start, end, before=D(2026, 2, 27))
    # never visited before: due on the first day
    assert not schedule.visited_on_time([D(2026, 3, 8), D(2026, 3, 15), D(2026, 3, 22), D(2026, 3, 29)], 7, start, end)
    assert schedule.visited_on_time([D(2026, 3, d) for d in (1, 8, 15, 22, 29)], 7, start, end)
    # a monthly cadence: one visit mid-month after one mid last month
    assert schedule.visited_on_time([D(2026, 3, 14)], 30, start, end, before=D(2026, 2, 14))
    # visits outside the period are ignored
    assert not schedule.visited_on_time([D(2026, 4, 2)], 7, start, end)
