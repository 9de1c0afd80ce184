"""Open311 GeoReport v2 documents, in XML (required) and JSON, exactly in the shapes the specification shows:
XML with a declaration and a named root, JSON as bare arrays (and the discovery and service definition objects),
W3C datetimes with their offset, and errors as <errors><error><code/><description/></error></errors>."""

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any
from xml.etree import ElementTree as ET

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


def _fill(parent: ET.Element, key: str, value: Any) -> None:
    """A (key, value) pair as an element. Lists become containers named `key`, of items named `item`."""
    if isinstance(value, XmlList):
        container = ET.SubElement(parent, key)
        for item in value.items:
            _fill(container, value.item_name, item)
        return
    element = ET.SubElement(parent, key)
    if isinstance(value, dict):
        for k, v in value.items():
            _fill(element, k, v)
        return
    text = _text(value)
    if text is not None:
        element.text = text


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
    top = ET.Element(root)
    if item_name is None:
        assert isinstance(items, dict)
        for k, v in items.items():
            _fill(top, k, v)
    else:
        for item in items:
            _fill(top, item_name, item)
    body = ET.tostring(top, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8")


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
