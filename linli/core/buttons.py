"""One button of a page, posted to its own view: the view loads its object and checks its rule, then `press`
validates the button's form (if it has one), calls the one service, says what happened and goes back.

A refusal — an invalid form or a `DomainError` from the service — saves nothing. It is a message on the page the
user goes back to, or, given `again`, that page shown again at once with the form and its refusal on it.

`button` makes such a view from its parts (load the object, act, say, go back); `submit` is the same step for a
page of its own with a form: the refusal is shown on that form and the page rendered again."""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.views.decorators.http import require_POST

from .errors import DomainError, NotAllowed

T = TypeVar("T")
Obj = TypeVar("Obj")


def form_errors_to_messages(request: HttpRequest, form: forms.Form) -> None:
    """Each invalid field's first error as a message, after its label when it has one."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {errors[0]}" if label else str(errors[0]))


def local_next(request: HttpRequest, fallback: str) -> str:
    """The page a button was on (its posted `next`), when that is a path on this site; else `fallback`."""
    target = request.POST.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else fallback


def press(
    request: HttpRequest,
    call: Callable[[dict[str, Any]], T],
    *,
    done: str | Promise | Callable[[T], str] | None,
    back: str,
    form: forms.Form | None = None,
    again: Callable[[forms.Form], HttpResponse] | None = None,
    forbidden_page: bool = False,
) -> HttpResponse:
    """Run `call` with the form's cleaned data ({} without a form); on success say `done` (or `done(result)`; nothing
    for None, where the page itself shows the change) and redirect to `back` (a URL). `again` (with a form) renders
    the page again with the refused form instead. `forbidden_page`: a `NotAllowed` from the service is the 403 page
    rather than a message."""
    data: dict[str, Any] = {}
    if form is not None:
        if not form.is_valid():
            if again is not None:
                return again(form)
            form_errors_to_messages(request, form)
            return redirect(back)
        data = form.cleaned_data
    try:
        result = call(data)
    except DomainError as exc:
        if forbidden_page and isinstance(exc, NotAllowed):
            raise
        if form is not None and again is not None:
            exc.show_on(form)
            return again(form)
        messages.error(request, str(exc.message))
        return redirect(back)
    if done is not None:
        messages.success(request, done(result) if callable(done) else str(done))
    return redirect(back)


def button(
    load: Callable[..., Obj],
    act: Callable[[HttpRequest, Obj, dict[str, Any]], Any],
    *,
    done: str | Promise | Callable[[Any], str] | None,
    back: Callable[..., str],
    form: type[forms.Form] | None = None,
    forbidden_page: bool = False,
    follow_next: bool = False,
) -> Callable[..., HttpResponse]:
    """A signed-in POST view for one button: `load(request, **url_kwargs)` finds the object (404 for what the user
    may not see), `act(request, obj, cleaned_data)` calls the one service, then `press` says `done` and goes to
    `back(**url_kwargs)` (with `follow_next`, to the page the button was on when it posted a local `next`). `form`,
    a form class, is bound to the POST and validated first. `forbidden_page` as for `press`."""

    @login_required
    @require_POST
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        obj = load(request, **kwargs)
        return press(
            request,
            lambda data: act(request, obj, data),
            done=done,
            back=local_next(request, back(**kwargs)) if follow_next else back(**kwargs),
            form=form(request.POST) if form is not None else None,
            forbidden_page=forbidden_page,
        )

    return view


def submit(
    request: HttpRequest,
    form: forms.BaseForm,
    call: Callable[[dict[str, Any]], T],
    *,
    done: str | Promise | Callable[[T], str] | None,
    then: str | Callable[[T], str],
) -> HttpResponse | None:
    """A form page's save: on a valid POST run `call` with the cleaned data, say `done` (nothing for None, where the
    page it goes to shows the result) and redirect to `then` (a URL or a URL name, or made from the result).
    Otherwise None, the refusal on the form: the caller renders the page."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = call(form.cleaned_data)
    except DomainError as exc:
        exc.show_on(form)
        return None
    if done is not None:
        messages.success(request, done(result) if callable(done) else str(done))
    return redirect(then(result) if callable(then) else then)


def buttons_on(
    load: Callable[..., Any],
    *,
    name: str,
    back: Callable[..., str],
    forbidden_page: bool = False,
    follow_next: bool = False,
) -> Callable[..., Callable[..., HttpResponse]]:
    """A maker of the buttons of one page, each calling one service on the object `load` finds:
    `make(service, done, form=None, **fixed)` is the `button` that calls `service(actor=request.user, <name>=obj,
    **fixed, **cleaned_data)`. For a button that reads more from the request, write its `button` in full."""

    def make(
        service: Callable[..., Any],
        done: str | Promise | Callable[[Any], str] | None,
        form: type[forms.Form] | None = None,
        **fixed: Any,
    ) -> Callable[..., HttpResponse]:
        return button(
            load,
            lambda request, obj, data: service(actor=request.user, **{name: obj}, **fixed, **data),
            done=done,
            back=back,
            form=form,
            forbidden_page=forbidden_page,
            follow_next=follow_next,
        )

    return make
