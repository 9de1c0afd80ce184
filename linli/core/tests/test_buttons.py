"""The one-button views of `linli.core.buttons` and the retire/restore pair: what is said, where the user goes, and
which refusals are a message and which the 403 page."""

from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from linli.core.buttons import buttons_on, press
from linli.core.errors import Conflict, NotAllowed
from linli.core.retire import retire_and_restore


def _post(user: Any = None) -> Any:
    request = RequestFactory().post("/x/")
    request.user = user or SimpleNamespace(is_authenticated=True, pk=1)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _said(request: Any) -> list[str]:
    return [str(m) for m in get_messages(request)]


def test_press_says_nothing_when_done_is_none_and_a_refusal_is_a_message() -> None:
    request = _post()
    response = press(request, lambda _data: "ok", done=None, back="/back/")
    assert (response.status_code, response["Location"], _said(request)) == (302, "/back/", [])

    def refuse(_data: dict[str, Any]) -> None:
        raise NotAllowed("not yours")

    request = _post()
    assert press(request, refuse, done="done", back="/back/").status_code == 302
    assert _said(request) == ["not yours"]
    with pytest.raises(NotAllowed):
        press(_post(), refuse, done="done", back="/back/", forbidden_page=True)


def test_buttons_on_calls_the_service_with_the_actor_the_object_and_fixed_arguments() -> None:
    calls: list[dict[str, Any]] = []
    make = buttons_on(lambda request, pk: f"thing {pk}", name="thing", back=lambda pk: f"/things/{pk}/")
    view = make(lambda **kwargs: calls.append(kwargs), "Done.", on=True)
    request = _post()
    response = view(request, pk=7)
    assert response["Location"] == "/things/7/" and _said(request) == ["Done."]
    assert calls == [{"actor": request.user, "thing": "thing 7", "on": True}]
    get = RequestFactory().get("/x/")
    get.user = request.user
    assert view(get, pk=7).status_code == 405 and len(calls) == 1  # a button only posts


def test_retire_and_restore_say_the_name_and_a_forbidden_switch_is_the_403_page() -> None:
    switched: list[bool] = []

    def switch(_request: Any, thing: Any, active: bool) -> None:
        if thing.name == "theirs":
            raise NotAllowed("only the community that added it")
        if thing.name == "busy":
            raise Conflict("still in use")
        switched.append(active)

    retire, restore = retire_and_restore(
        lambda request, name: SimpleNamespace(name=name),
        switch,
        retired="“%(name)s” is retired.",
        restored="“%(name)s” is back.",
        back=lambda name: "/list/",
    )
    request = _post()
    assert retire(request, name="茶室")["Location"] == "/list/" and _said(request) == ["“茶室” is retired."]
    request = _post()
    restore(request, name="茶室")
    assert _said(request) == ["“茶室” is back."] and switched == [False, True]
    request = _post()
    retire(request, name="busy")
    assert _said(request) == ["still in use"] and switched == [False, True]
    with pytest.raises(NotAllowed):
        retire(_post(), name="theirs")
