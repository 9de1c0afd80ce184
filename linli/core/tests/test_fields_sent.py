"""What a PATCH changes: the fields sent; null leaves a field as it is, except where null empties it."""

from ninja import Schema

from linli.core.api import fields_sent


class Patch(Schema):
    name: str | None = None
    floors: int | None = None
    note: str | None = None


def test_only_the_fields_sent_and_not_null_are_changed() -> None:
    assert fields_sent(Patch.model_validate({"name": "东楼", "floors": None})) == {"name": "东楼"}


def test_null_empties_a_clearable_field() -> None:
    sent = Patch.model_validate({"floors": None, "note": None})
    assert fields_sent(sent, clearable={"floors"}) == {"floors": None}
