"""The OpenAPI document of /api/v1 tells the truth about what each operation parses and answers.

Ninja names a component after its class and, when two classes share a name, silently keeps the last one written:
the document then shows one domain's body under another's operation. So these checks start from the Python
classes the handlers use, not from the document. (Open311 at /open311/v2 is plain Django views, not ninja.)
"""

import typing
from collections import defaultdict
from collections.abc import Iterator
from enum import Enum
from typing import Any

import pytest
from ninja.openapi.schema import BODY_CONTENT_TYPES
from ninja.operation import Operation
from pydantic import BaseModel

from config.api import api

REF = "#/components/schemas/"


def operations() -> Iterator[Operation]:
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            yield from (operation for operation in path_view.operations if operation.include_in_schema)


def operation_id(operation: Operation) -> str:
    return operation.operation_id or api.get_openapi_operation_id(operation)


def body_models(operation: Operation) -> list[type[BaseModel]]:
    """Ninja's models of the parameters read from the request body, one field per handler parameter."""
    return [model for model in operation.models if model.__ninja_param_source__ in BODY_CONTENT_TYPES]


def classes_in(annotation: Any) -> Iterator[type]:
    """The classes an annotation names that become components, pydantic models and enumerations, however nested
    (`X | None`, `list[X]`, `dict[str, X]`)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel | Enum):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from classes_in(argument)


def field_classes(model: type) -> Iterator[type]:
    for field in getattr(model, "model_fields", {}).values():
        yield from classes_in(field.annotation)


def documented_classes() -> dict[str, set[type]]:
    """Component name → every class that bodies and responses use under it, with the classes those contain."""
    pending: list[type] = []
    for operation in operations():
        for wrapper in body_models(operation):
            pending.extend(field_classes(wrapper))
        for wrapper in operation.response_models.values():
            pending.extend(field_classes(wrapper))
    classes: dict[str, set[type]] = defaultdict(set)
    seen: set[type] = set()
    while pending:
        model = pending.pop()
        if model not in seen:
            seen.add(model)
            classes[model.__name__].add(model)
            pending.extend(field_classes(model))
    return classes


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return api.get_openapi_schema(path_prefix="/api/v1/")


def refs(schema: Any) -> set[str]:
    """The component names a schema points to."""
    if isinstance(schema, dict):
        found = {schema["$ref"].removeprefix(REF)} if "$ref" in schema else set()
        return found.union(*(refs(value) for value in schema.values()))
    if isinstance(schema, list):
        return set().union(*(refs(item) for item in schema))
    return set()


def mismatches(model: type, schema: dict[str, Any], components: dict[str, Any], path: str) -> list[str]:
    """Where the documented schema differs from the class that parses it, down through nested classes."""
    if issubclass(model, Enum):
        values = [member.value for member in model]
        return [] if schema.get("enum") == values else [f"{path}: documents {schema.get('enum')}, parses {values}"]
    fields = {field.alias or name: field for name, field in model.model_fields.items()}
    properties = schema.get("properties", {})
    found = []
    if set(properties) != set(fields):
        found.append(f"{path}: documents {sorted(properties)}, {model.__qualname__} parses {sorted(fields)}")
        return found
    required = {name for name, field in fields.items() if field.is_required()}
    if set(schema.get("required", ())) != required:
        found.append(f"{path}: documents required {sorted(schema.get('required', ()))}, parses {sorted(required)}")
    for name, field in fields.items():
        nested = {inner.__name__: inner for inner in classes_in(field.annotation)}
        if refs(properties[name]) != set(nested):
            found.append(f"{path}.{name}: points to {sorted(refs(properties[name]))}, parses {sorted(nested)}")
            continue
        for ref, inner in nested.items():
            found += mismatches(inner, components[ref], components, f"{path}.{name}")
    return found


def test_no_two_schema_classes_share_a_component_name(document):
    classes = documented_classes()
    shared = {name: sorted(f"{c.__module__}.{c.__qualname__}" for c in group) for name, group in classes.items()}
    assert {name: where for name, where in shared.items() if len(where) > 1} == {}
    # The classes found are the ones the document lists: the check above looked at what ninja writes.
    assert set(classes) <= set(document["components"]["schemas"])


def form_with_files_mismatches(operation: Operation, wrappers: list[Any], documented: dict[str, Any]) -> list[str]:
    """A form with files (`Form[...]` beside `File[...]`) is documented as one multipart schema holding the form's
    fields, flattened, and the files: the same names, and the same required ones, as the handler parses."""
    assert {getattr(w, "__ninja_param_source__", "") for w in wrappers} == {"form", "file"}, operation_id(operation)
    body = documented[operation_id(operation)]["requestBody"]["content"]["multipart/form-data"]["schema"]
    names: set[str] = set()
    required: set[str] = set()
    for wrapper in wrappers:
        for name, field in wrapper.model_fields.items():
            inner = field.annotation
            if isinstance(inner, type) and issubclass(inner, BaseModel):  # a Form[Schema] parameter, flattened
                for sub_name, sub in inner.model_fields.items():
                    names.add(sub.alias or sub_name)
                    if sub.is_required():
                        required.add(sub.alias or sub_name)
            else:
                names.add(field.alias or name)
                if field.is_required():
                    required.add(field.alias or name)
    where = operation_id(operation)
    found = []
    if set(body.get("properties", {})) != names:
        found.append(f"{where}: documents {sorted(body.get('properties', {}))}, parses {sorted(names)}")
    if set(body.get("required", ())) != required:
        found.append(f"{where}: documents required {sorted(body.get('required', ()))}, parses {sorted(required)}")
    return found


def test_each_documented_request_body_is_the_schema_its_handler_parses(document):
    documented = {
        details["operationId"]: details for methods in document["paths"].values() for details in methods.values()
    }
    components = document["components"]["schemas"]
    checked, found = 0, []
    for operation in operations():
        wrappers = body_models(operation)
        if not wrappers:
            continue
        if len(wrappers) > 1:
            found += form_with_files_mismatches(operation, wrappers, documented)
            checked += 1
            continue
        (wrapper,) = wrappers  # one kind of body per operation otherwise: JSON, a form, or a file upload alone
        content_type = BODY_CONTENT_TYPES[wrapper.__ninja_param_source__]
        body = documented[operation_id(operation)]["requestBody"]["content"][content_type]["schema"]
        if wrapper.__ninja_param_source__ == "body" and len(wrapper.model_fields) == 1:
            # ninja documents a lone JSON body parameter as its own schema
            (parameter,) = wrapper.model_fields.values()
            (model,) = classes_in(parameter.annotation)
            ref = body["$ref"].removeprefix(REF)
            if ref != model.__name__:
                found.append(f"{operation_id(operation)}: documents {ref}, parses {model.__qualname__}")
                continue
            found += mismatches(model, components[ref], components, operation_id(operation))
        else:
            found += mismatches(wrapper, body, components, operation_id(operation))
        checked += 1
    assert found == []
    assert checked > 50  # every POST, PUT and PATCH with a body, not a handful
