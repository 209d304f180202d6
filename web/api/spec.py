"""The OpenAPI 3.1 document, generated from the views' own declarations and their pydantic models.

Why not a library: spectree 3.0.0 does emit ``openapi: 3.1.0`` (checked), but it answers invalid
input with its own 422 body (not problem+json) and its docs pages load Swagger UI from a CDN.
The document here is built from the same things spectree would read (pydantic v2 models, whose
JSON Schema 2020-12 is OAS 3.1's dialect, and Flask's URL map), so nothing is written twice.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from flask import Flask
from pydantic import BaseModel

__all__ = ["operation", "build_spec", "OPENAPI_VERSION"]

OPENAPI_VERSION = "3.1.0"
_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def operation(summary: str, *, response: type[BaseModel] | None = None, body: type[BaseModel] | None = None,
              listing: bool = False, errors: tuple[int, ...] = (), idempotent_create: bool = False,
              status: int = 200) -> Callable:
    """Declare what a view takes and answers; :func:`build_spec` reads it."""

    def mark(view):
        view.api_operation = {"summary": summary, "response": response, "body": body, "listing": listing,
                              "errors": errors, "idempotent_create": idempotent_create, "status": status}
        return view

    return mark


def _schema(model: type[BaseModel], components: dict) -> dict:
    found = model.model_json_schema(ref_template="#/components/schemas/{model}", mode="serialization")
    for name, sub in found.pop("$defs", {}).items():
        components[name] = sub
    components[model.__name__] = found
    return {"$ref": f"#/components/schemas/{model.__name__}"}


_PROBLEM = {
    "type": "object", "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "properties": {
            "field": {"type": "string"}, "detail": {"type": "string"}}}},
    },
}


def _problem_response(text: str) -> dict:
    return {"description": text, "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def build_spec(app: Flask, prefix: str = "/api/v1") -> dict[str, Any]:
    components: dict[str, Any] = {"Problem": _PROBLEM}
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(prefix):
            continue
        declared = getattr(app.view_functions[rule.endpoint], "api_operation", None)
        if declared is None:
            continue
        path = _PARAM.sub(lambda m: "{" + m.group(2) + "}", rule.rule)
        params = [{"name": name, "in": "path", "required": True,
                   "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1} if conv == "int" else {"type": "string"}}
                  for conv, name in _PARAM.findall(rule.rule)]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            op: dict[str, Any] = {"operationId": rule.endpoint.replace(".", "_") + ("" if method == "GET" else "_" + method.lower()),
                                  "summary": declared["summary"], "parameters": list(params),
                                  "security": [{"token": []}], "responses": {}}
            if declared["listing"]:
                op["parameters"] += [
                    {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"}},
                    {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
                ]
            if method == "GET":
                op["parameters"].append({"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}})
            if declared["idempotent_create"]:
                op["parameters"].append({"name": "Idempotency-Key", "in": "header", "required": False,
                                         "schema": {"type": "string", "maxLength": 200}})
            if declared["body"] is not None:
                op["requestBody"] = {"required": True, "content": {"application/json": {"schema": _schema(declared["body"], components)}}}
            ok: dict[str, Any] = {"description": "OK", "headers": {"ETag": {"schema": {"type": "string"}}}}
            if declared["response"] is not None:
                ok["content"] = {"application/json": {"schema": _schema(declared["response"], components)}}
            op["responses"][str(declared["status"])] = ok
            if method == "GET":
                op["responses"]["304"] = {"description": "Not modified (If-None-Match matched the ETag)"}
            codes = {401, 403, 404, 429} | set(declared["errors"])
            if params or declared["listing"]:
                codes.add(400)
            if declared["body"] is not None:
                codes |= {400, 415, 422}
            if declared["idempotent_create"]:
                codes.add(409)
            for code in sorted(codes):
                op["responses"][str(code)] = _problem_response(f"Problem ({code})")
            paths.setdefault(path, {})[method.lower()] = op
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": "Hearth API", "version": "1",
                 "description": "Personal access tokens (account page) as 'Authorization: Bearer hth_...'."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": components,
                       "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
    }
