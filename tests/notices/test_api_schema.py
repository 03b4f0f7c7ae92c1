"""Schemathesis against /api/v1/openapi.json: generated requests, valid and invalid, never
get a server error or a response the document does not describe.

The schema is loaded from the app under test (schemathesis.openapi.from_wsgi) and each
operation's cases are driven by hypothesis inside an ordinary test, so the test runs on
every database backend like the rest of the suite.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis import checks as schema_checks
from schemathesis.config import SchemathesisConfig

from tests.factories import bearer, create_force, create_key_adult, create_pupil, create_setting

# Every check about the responses, and that invalid requests are refused. Not the check
# that any schema-valid body is accepted: a notice can match the document and still be
# refused with a 422 (a child's date of birth in the future, a bare "partner").
RESPONSE_CHECKS = [
    schema_checks.not_a_server_error,
    schema_checks.status_code_conformance,
    schema_checks.content_type_conformance,
    schema_checks.response_headers_conformance,
    schema_checks.response_schema_conformance,
]
CHECKS = [*RESPONSE_CHECKS, schema_checks.negative_data_rejection]
EXAMPLES = {GenerationMode.POSITIVE: 60, GenerationMode.NEGATIVE: 40}


def _schema(make_app, db, limit):
    app = make_app(
        API_REQUESTS_PER_KEY_PER_MINUTE=limit,
        API_REQUESTS_PER_ADDRESS_PER_MINUTE=limit,
        API_AUTH_FAILURES_PER_ADDRESS=limit,
    )
    setting = create_setting(db)
    create_key_adult(db, setting)
    create_pupil(db, setting)
    _, key = create_force(db)
    config = SchemathesisConfig.from_dict(
        {"checks": {"negative_data_rejection": {"expected-statuses": _documented_4xx(app)}}}
    )
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config), key


def _documented_4xx(app):
    """Every 4xx the document gives any operation: each is a way of refusing a request.

    Schemathesis's own list leaves some out (413: a generated body can pass 64 KiB)."""
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    return sorted(
        {
            code
            for path in document["paths"].values()
            for operation in path.values()
            for code in operation.get("responses", {})
            if code.startswith("4")
        }
    )


@pytest.fixture
def api(make_app, db):
    # High limits: hypothesis sends hundreds of requests from one address.
    return _schema(make_app, db, 100_000)


def _operations(schema):
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {f"{o.method.upper()} {o.path}" for o in operations} == {
        "POST /api/v1/notices",
        "GET /api/v1/notices/{notice_id}",
        "PATCH /api/v1/notices/{notice_id}",
    }
    return operations


def _run(operation, mode, **call):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate(**call)

    check()


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda m: m.value)
def test_the_api_stays_inside_its_openapi_document(api, mode):
    schema, key = api
    for operation in _operations(schema):
        _run(operation, mode, headers=bearer(key), checks=CHECKS)


def test_the_api_answers_without_a_key_as_documented(api):
    schema, _ = api
    for operation in _operations(schema):
        _run(operation, GenerationMode.POSITIVE, checks=RESPONSE_CHECKS)


def test_the_api_documents_its_rate_limits(make_app, db):
    schema, key = _schema(make_app, db, 5)
    for operation in _operations(schema):
        _run(operation, GenerationMode.POSITIVE, headers=bearer(key), checks=RESPONSE_CHECKS)


def test_the_document_gives_the_councils_handling_of_an_alert(app):
    schemas = app.test_client().get("/api/v1/openapi.json").get_json()["components"]["schemas"]

    handling = schemas["AlertOut"]["properties"]["council_handling"]
    refs = [option.get("$ref") for option in handling["anyOf"]]
    assert (
        "#/components/schemas/CouncilHandlingOut" in refs and {"type": "null"} in handling["anyOf"]
    )
    assert schemas["CouncilHandlingOut"]["required"] == ["since", "note"]
    assert schemas["CouncilHandlingOut"]["properties"]["since"]["format"] == "date-time"
