"""Retire and restore: a pair of buttons for a thing staff stop offering and may offer again (a facility type, an
activity type, a report category, a partner). Retiring keeps the thing and what already uses it; only new uses stop.

Both buttons load the thing the same way (404 or 403 before anything is saved), call the one service with the new
state, and say what changed with the thing's name. A refusal from the service is a message on the page, but one
it is not allowed to make at all is the 403 page."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise

from .buttons import button

Obj = TypeVar("Obj")


def _own_name(thing: Any) -> str:
    return str(thing.name)


def retire_and_restore(
    load: Callable[..., Obj],
    switch: Callable[[HttpRequest, Obj, bool], object],
    *,
    retired: str | Promise,
    restored: str | Promise,
    back: Callable[..., str],
    name: Callable[[Obj], str] = _own_name,
) -> tuple[Callable[..., HttpResponse], Callable[..., HttpResponse]]:
    """The retire view and the restore view. `load(request, **url_kwargs)` finds the thing, `switch(request, thing,
    active)` calls the service, `retired` / `restored` are said (`%(name)s` is `name(thing)`, by default its
    name), then the user goes to `back(**url_kwargs)`."""

    def view(active: bool, said: str | Promise) -> Callable[..., HttpResponse]:
        def act(request: HttpRequest, thing: Obj, _data: dict[str, Any]) -> Obj:
            switch(request, thing, active)
            return thing

        return button(load, act, done=lambda thing: str(said) % {"name": name(thing)}, back=back, forbidden_page=True)

    return view(False, retired), view(True, restored)
