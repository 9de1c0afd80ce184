"""A row's link reversed once per page is the one `reverse` gives for each row."""

from django.urls import reverse

from linli.core.links import RowLinks


def test_row_links_are_what_reverse_gives():
    links = RowLinks()
    for name in ("reports:detail", "canteen:order_cancel", "facilities:booking_cancel", "courses:withdraw"):
        for code, pk in (("shibei", 1), ("shibei", 2_147_483_646), ("limin", 70)):
            assert links(name, code, pk) == reverse(name, args=[code, pk])
