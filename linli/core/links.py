"""Links of a page's rows, reversed once per page rather than once per row."""

from django.urls import reverse

_ID = 2_147_483_646  # stands for a row's id in the URL reversed once


class RowLinks:
    """`links(name, code, pk)`: the URL named `name` of a community's (`code`) row `pk`, as `reverse(name,
    args=[code, pk])` gives it, reversed once per name and code; `links.url(name, pk, *before)`: the URL whose
    arguments are `before` and then the row's id."""

    def __init__(self) -> None:
        self._parts: dict[tuple[str, tuple[str, ...]], tuple[str, str]] = {}

    def __call__(self, name: str, code: str, pk: int) -> str:
        return self.url(name, pk, code)

    def url(self, name: str, pk: int, *before: str) -> str:
        parts = self._parts.get((name, before))
        if parts is None:
            head, _id, tail = reverse(name, args=[*before, _ID]).partition(str(_ID))
            parts = self._parts[name, before] = (head, tail)
        return f"{parts[0]}{pk}{parts[1]}"
