"""Links of a page's rows, reversed once per page rather than once per row."""

from django.urls import reverse

_ID = 2_147_483_646  # stands for a row's id in the URL reversed once


class RowLinks:
    """`links(name, code, pk)`: the URL named `name` of a community's (`code`) row `pk`, as `reverse(name,
    args=[code, pk])` gives it, reversed once per name and code."""

    def __init__(self) -> None:
        self._parts: dict[tuple[str, str], tuple[str, str]] = {}

    def __call__(self, name: str, code: str, pk: int) -> str:
        parts = self._parts.get((name, code))
        if parts is None:
            head, _id, tail = reverse(name, args=[code, _ID]).partition(str(_ID))
            parts = self._parts[name, code] = (head, tail)
        return f"{parts[0]}{pk}{parts[1]}"
