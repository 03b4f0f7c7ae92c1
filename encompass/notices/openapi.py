"""The OpenAPI 3.1 document of the police API, built from the same pydantic models."""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import models_json_schema

from encompass.notices.schemas import ErrorOut, NoticeAmendmentIn, NoticeIn, NoticeOut


def _components() -> dict[str, Any]:
    _, schema = models_json_schema(
        [
            (NoticeIn, "validation"),
            (NoticeAmendmentIn, "validation"),
            (NoticeOut, "serialization"),
            (ErrorOut, "serialization"),
        ],
        ref_template="#/components/schemas/{model}",
    )
    defs: dict[str, Any] = schema.get("$defs", {})
    defs["ChildCorrection"] = _child_correction(defs["ChildIn"])
    return defs


def _child_correction(child: dict[str, Any]) -> dict[str, Any]:
    """A correction: a child's id and any of a child's fields (checked once merged)."""
    return {
        "title": "ChildCorrection",
        "description": "The id of a child on the notice and the fields to change; the "
        "child as corrected must still be a valid child.",
        "type": "object",
        "properties": {"id": {"type": "integer", "title": "Id"}, **child["properties"]},
        "required": ["id"],
        "additionalProperties": False,
    }


def _notice_id() -> dict[str, Any]:
    return {
        "name": "notice_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
    }


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": _json("ErrorOut")}


def _too_many() -> dict[str, Any]:
    """Rate limited: per key, per address, or after too many wrong keys from an address."""
    return {
        "description": "Too many requests (per key or per address): wait Retry-After seconds",
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait before trying again",
                "schema": {"type": "integer"},
            }
        },
        "content": _json("ErrorOut"),
    }


def document(base_url: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Encompass police API",
            "version": "1",
            "description": "Operation Encompass notices from police forces to schools.",
        },
        "servers": [{"url": base_url}],
        "components": {
            "schemas": _components(),
            "securitySchemes": {"forceKey": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"forceKey": []}],
        "paths": {
            "/api/v1/notices": {
                "post": {
                    "operationId": "createNotice",
                    "summary": "Submit a notice (idempotent on police_reference)",
                    "requestBody": {"required": True, "content": _json("NoticeIn")},
                    "responses": {
                        "201": {
                            "description": "Stored; alerts queued",
                            "content": _json("NoticeOut"),
                        },
                        "200": {
                            "description": "Already stored; nothing new sent",
                            "content": _json("NoticeOut"),
                        },
                        "400": _error("Malformed JSON"),
                        "401": _error("No valid force API key"),
                        "409": _error(
                            "This police_reference was sent before with different content: "
                            "amend that notice with PATCH (its id and route are in the answer)"
                        ),
                        "413": _error("Body over 64 KiB"),
                        "415": _error("Not JSON"),
                        "422": _error("Field errors"),
                        "429": _too_many(),
                    },
                }
            },
            "/api/v1/notices/{notice_id}": {
                "get": {
                    "operationId": "getNotice",
                    "summary": "What happened to each child on a notice",
                    "parameters": [_notice_id()],
                    "responses": {
                        "200": {"description": "The notice", "content": _json("NoticeOut")},
                        "401": _error("No valid force API key"),
                        "404": _error("No such notice for this force"),
                        "429": _too_many(),
                    },
                },
                "patch": {
                    "operationId": "amendNotice",
                    "summary": "Add a child, or correct a child's details, on a notice sent",
                    "description": "New children are resolved and alerted like the notice's "
                    "own. A correction that changes what the child is matched on resolves the "
                    "child again: if the child now goes elsewhere, the old alert is withdrawn "
                    "and the child appears with a new id. A child already on the notice, sent "
                    "again unchanged, is a retry and adds nothing. Audited; the setting sees "
                    "what changed (field names).",
                    "parameters": [_notice_id()],
                    "requestBody": {"required": True, "content": _json("NoticeAmendmentIn")},
                    "responses": {
                        "200": {
                            "description": "The notice as amended",
                            "content": _json("NoticeOut"),
                        },
                        "400": _error("Malformed JSON"),
                        "401": _error("No valid force API key"),
                        "404": _error("No such notice for this force"),
                        "413": _error("Body over 64 KiB"),
                        "415": _error("Not JSON"),
                        "422": _error("Field errors"),
                        "429": _too_many(),
                    },
                },
            },
        },
    }
