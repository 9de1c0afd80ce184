"""An OpenAPI 3 description of the Open311 GeoReport v2 endpoints, so that clients and fuzzers can read them."""

from typing import Any

FORMAT = {"name": "format", "in": "path", "required": True, "schema": {"type": "string", "enum": ["xml", "json"]}}
JURISDICTION = {
    "name": "jurisdiction_id",
    "in": "query",
    "required": False,
    "description": "The community code; required where the server serves more than one community.",
    "schema": {"type": "string"},
}
ERROR_ARRAY = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
    },
}
NULLABLE_STRING = {"type": ["string", "null"]}
SERVICE_REQUEST = {
    "type": "object",
    "properties": {
        "service_request_id": {"type": "integer"},
        "status": {"type": "string", "enum": ["open", "closed"]},
        "status_notes": {"type": "string"},
        "service_name": {"type": "string"},
        "service_code": {"type": "string"},
        "description": {"type": "string"},
        "agency_responsible": {"type": "string"},
        "service_notice": {"type": "string"},
        "requested_datetime": {"type": "string", "format": "date-time"},
        "updated_datetime": {"type": "string", "format": "date-time"},
        "expected_datetime": {"type": ["string", "null"], "format": "date-time"},
        "address": {"type": "string"},
        "address_id": {"type": ["integer", "null"]},
        "zipcode": NULLABLE_STRING,
        "lat": {"type": ["number", "null"]},
        "long": {"type": ["number", "null"]},
        "media_url": {"type": "string"},
    },
}


def _responses(schema: dict[str, Any], *errors: int, ok: str = "200") -> dict[str, Any]:
    responses: dict[str, Any] = {
        ok: {
            "description": "OK",
            "content": {"application/json": {"schema": schema}, "text/xml": {"schema": {"type": "string"}}},
        }
    }
    for status in errors:
        responses[str(status)] = {
            "description": "Error",
            "content": {"application/json": {"schema": ERROR_ARRAY}, "text/xml": {"schema": {"type": "string"}}},
        }
    return responses


def document(server: str) -> dict[str, Any]:
    services = {"type": "array", "items": {"type": "object"}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Linli Open311 GeoReport v2",
            "version": "2",
            "description": "GeoReport v2 as specified at http://wiki.open311.org/GeoReport_v2. "
            "The format is chosen by the .xml or .json suffix; XML is the reference format.",
        },
        "servers": [{"url": server}],
        "paths": {
            "/open311/v2/discovery.{format}": {
                "get": {"operationId": "discovery", "parameters": [FORMAT], "responses": _responses({"type": "object"})}
            },
            "/open311/v2/services.{format}": {
                "get": {
                    "operationId": "services",
                    "parameters": [FORMAT, JURISDICTION],
                    "responses": _responses(services, 400, 404),
                }
            },
            "/open311/v2/services/{service_code}.{format}": {
                "get": {
                    "operationId": "serviceDefinition",
                    "parameters": [
                        {"name": "service_code", "in": "path", "required": True, "schema": {"type": "string"}},
                        FORMAT,
                        JURISDICTION,
                    ],
                    "responses": _responses({"type": "object"}, 400, 404),
                }
            },
            "/open311/v2/requests.{format}": {
                "get": {
                    "operationId": "serviceRequests",
                    "parameters": [
                        FORMAT,
                        JURISDICTION,
                        {"name": "service_request_id", "in": "query", "schema": {"type": "string"}},
                        {"name": "service_code", "in": "query", "schema": {"type": "string"}},
                        {"name": "start_date", "in": "query", "schema": {"type": "string", "format": "date-time"}},
                        {"name": "end_date", "in": "query", "schema": {"type": "string", "format": "date-time"}},
                        {"name": "status", "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": _responses({"type": "array", "items": SERVICE_REQUEST}, 400, 404),
                },
                "post": {
                    "operationId": "createServiceRequest",
                    "parameters": [FORMAT],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/x-www-form-urlencoded": {
                                "schema": {
                                    "type": "object",
                                    "required": ["api_key", "service_code"],
                                    "properties": {
                                        "api_key": {"type": "string"},
                                        "jurisdiction_id": {"type": "string"},
                                        "service_code": {"type": "string"},
                                        "lat": {"type": "number"},
                                        "long": {"type": "number"},
                                        "address_string": {"type": "string"},
                                        "address_id": {"type": "string"},
                                        "email": {"type": "string"},
                                        "device_id": {"type": "string"},
                                        "account_id": {"type": "string"},
                                        "first_name": {"type": "string"},
                                        "last_name": {"type": "string"},
                                        "phone": {"type": "string"},
                                        "description": {"type": "string", "maxLength": 4000},
                                        "media_url": {"type": "string"},
                                    },
                                    "additionalProperties": {"type": "string"},
                                }
                            }
                        },
                    },
                    "responses": _responses(
                        {"type": "array", "items": {"type": "object"}}, 400, 403, 404, 429, ok="201"
                    ),
                },
            },
            "/open311/v2/requests/{service_request_id}.{format}": {
                "get": {
                    "operationId": "serviceRequest",
                    "parameters": [
                        {"name": "service_request_id", "in": "path", "required": True, "schema": {"type": "string"}},
                        FORMAT,
                        JURISDICTION,
                    ],
                    "responses": _responses({"type": "array", "items": SERVICE_REQUEST}, 400, 404),
                }
            },
            "/open311/v2/tokens/{token}.{format}": {
                "get": {
                    "operationId": "token",
                    "parameters": [
                        {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}},
                        FORMAT,
                        JURISDICTION,
                    ],
                    "responses": _responses({"type": "array", "items": {"type": "object"}}, 400, 404),
                }
            },
        },
    }
