"""Open311 GeoReport v2 documents, in XML (required) and JSON, exactly in the shapes the specification shows:
XML with a declaration and a named root, JSON as bare arrays (and the discovery and service definition objects),
W3C datetimes with their offset, and errors as <errors><error><code/><description/></error></errors>."""

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone

XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"


def w3c(value: dt.datetime | None) -> str | None:
    """A W3C datetime with the time zone offset, e.g. 2026-03-08T09:15:30+08:00."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(out: list[str], key: str, value: Any) -> None:
    """A (key, value) pair as an element. XmlList becomes a container of named items; None an empty element."""
    if isinstance(value, XmlList):
        out.append(f"<{key}>")
        for item in value.items:
            _fill(out, value.item_name, item)
        out.append(f"</{key}>")
    elif isinstance(value, dict):
        out.append(f"<{key}>")
        for k, v in value.items():
            _fill(out, k, v)
        out.append(f"</{key}>")
    else:
        text = _text(value)
        out.append(f"<{key} />" if text is None or text == "" else f"<{key}>{escape(_clean(text))}</{key}>")


def _clean(text: str) -> str:
    """XML 1.0 cannot carry most control characters: drop them rather than write an unreadable document."""
    return text.translate(_CONTROL) if _HAS_CONTROL.search(text) else text


_CONTROL = {c: None for c in range(32) if c not in (9, 10, 13)}
_HAS_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


class XmlList:
    """A list, shown in XML as a container of named items, and in JSON as an array."""

    def __init__(self, item_name: str, items: Iterable[Any]) -> None:
        self.item_name = item_name
        self.items = list(items)


def _jsonable(value: Any) -> Any:
    if isinstance(value, XmlList):
        return [_jsonable(v) for v in value.items]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def xml_document(root: str, item_name: str | None, items: Sequence[dict[str, Any]] | dict[str, Any]) -> bytes:
    out = ['<?xml version="1.0" encoding="utf-8"?>\n', f"<{root}>"]
    if item_name is None:
        assert isinstance(items, dict)
        for k, v in items.items():
            _fill(out, k, v)
    else:
        for item in items:
            _fill(out, item_name, item)
    out.append(f"</{root}>")
    return "".join(out).encode("utf-8")


def respond(
    fmt: str,
    root: str,
    item_name: str | None,
    items: Sequence[dict[str, Any]] | dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    if fmt == "json":
        data = _jsonable(items if item_name is None else list(items))
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return HttpResponse(body.encode("utf-8"), content_type=JSON_TYPE, status=status)
    return HttpResponse(xml_document(root, item_name, items), content_type=XML_TYPE, status=status)


def errors(fmt: str, status: int, *descriptions: str, code: int | None = None) -> HttpResponse:
    """The specification's error form; `code` defaults to the HTTP status."""
    items = [{"code": code or status, "description": d} for d in descriptions]
    return respond(fmt, "errors", "error", items, status=status)
