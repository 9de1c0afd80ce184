"""A row's link reversed once per page is the one `reverse` gives for each row."""

from django.urls import reverse

from linli.core.links import RowLinks


def test_row_links_are_what_reverse_gives():
    links = RowLinks()
    for name in ("reports:detail", "canteen:order_cancel", "facilities:booking_cancel", "courses:withdraw"):
        for code, pk in (("shibei", 1), ("shibei", 2_147_483_646), ("limin", 70)):
            assert links(name, code, pk) == reverse(name, args=[code, pk])


def test_row_links_with_other_arguments_are_what_reverse_gives():
    links = RowLinks()
    for pk in (1, 2_147_483_646, 70):
        assert links.url("ledger:order_place", pk) == reverse("ledger:order_place", args=[pk])
        assert links.url("payments:pay_for", pk, "canteen") == reverse("payments:pay_for", args=["canteen", pk])
        assert links.url("canteen:order", pk, "limin") == reverse("canteen:order", args=["limin", pk])
