"""One button of a page, posted to its own view: the view loads its object and checks its rule, then `press`
validates the button's form (if it has one), calls the one service, says what happened and goes back.

A refusal — an invalid form or a `DomainError` from the service — saves nothing. It is a message on the page the
user goes back to, or, given `again`, that page shown again at once with the form and its refusal on it."""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise

from .errors import DomainError

T = TypeVar("T")


def form_errors_to_messages(request: HttpRequest, form: forms.Form) -> None:
    """Each invalid field's first error as a message, after its label when it has one."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {errors[0]}" if label else str(errors[0]))


def press(
    request: HttpRequest,
    call: Callable[[dict[str, Any]], T],
    *,
    done: str | Promise | Callable[[T], str],
    back: str,
    form: forms.Form | None = None,
    again: Callable[[forms.Form], HttpResponse] | None = None,
) -> HttpResponse:
    """Run `call` with the form's cleaned data ({} without a form); on success say `done` (or `done(result)`) and
    redirect to `back` (a URL). `again` (with a form) renders the page again with the refused form instead."""
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
        if form is not None and again is not None:
            exc.show_on(form)
            return again(form)
        messages.error(request, str(exc.message))
        return redirect(back)
    messages.success(request, done(result) if callable(done) else str(done))
    return redirect(back)
