"""schemathesis against the live app's /schema/openapi.json, with a personal token of every role.

Every operation gets generated valid and invalid requests; each answer must be no 5xx, a status
the schema declares, its content type and body schema. INCUBATOR_FUZZ_EXAMPLES (default 25 in CI,
more under `make fuzz`) sets the examples per operation, role and mode.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode, checks

from tests.conftest import make_settings
from tests.support.databases import backends
from tests.support.live_server import live_server
from tests.support.web import login, post_form

EXAMPLES = int(os.environ.get("INCUBATOR_FUZZ_EXAMPLES", "25"))
# CI draws the same inputs every run (a red build is reproducible); `make fuzz` explores anew.
SEEDED = os.environ.get("INCUBATOR_FUZZ_RANDOM") != "1"
# One persona of every role that may hold a token.
PERSONAS = ("admin", "staff", "assessor", "xianglong", "qingniao")
TOKEN_RE = re.compile(r'id="new-token">(inc_[A-Za-z0-9_\-]+)<')
# Every answer: no 5xx, a declared status, its content type, headers and body schema.
ANSWER_CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
CHECKS = {
    # Valid requests must also be accepted (2xx, or the role's 401/403/404).
    GenerationMode.POSITIVE: [*ANSWER_CHECKS, checks.positive_data_acceptance],
    # Not negative_data_rejection: unknown query parameters are ignored by design, and the token
    # this test always sends makes schemathesis's "missing Authorization" mutation moot.
    GenerationMode.NEGATIVE: ANSWER_CHECKS,
}


def _token(base: str, username: str) -> str:
    with httpx.Client(base_url=base, timeout=30) as client:
        login(client, username)
        response = post_form(client, "/profile/tokens", {"name": "schemathesis"}, page="/profile")
        assert response.status_code == 200, response.text[:300]
        return TOKEN_RE.search(response.text).group(1)


@pytest.fixture(scope="module", params=backends())
def api(request, templates, tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    """(base URL of a live server, token by persona): one server per backend for the module."""
    template = templates(request.param)
    tmp_path = tmp_path_factory.mktemp("schemathesis")
    url = template.new_database(tmp_path)
    try:
        with live_server(make_settings(tmp_path, url)) as base:
            yield base, {name: _token(base, name) for name in PERSONAS}
    finally:
        template.drop(url)


def _operations(base: str) -> list:
    schema = schemathesis.openapi.from_url(f"{base}/schema/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


def test_the_schema_documents_the_json_api_only_and_declares_its_errors(api):
    base, _tokens = api
    document = httpx.get(f"{base}/schema/openapi.json").json()
    assert document["paths"] and all(p.startswith("/api/") for p in document["paths"])
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert {"200", "400", "401", "403"} <= set(operation["responses"]), (method, path)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_api_operation_answers_every_role_within_its_schema(api, mode):
    base, tokens = api
    operations = _operations(base)
    assert len(operations) >= 6
    with httpx.Client(base_url=base, timeout=30) as raw:
        for operation in operations:
            has_parameters = operation.query or operation.path_parameters
            if mode is GenerationMode.NEGATIVE and not has_parameters:
                continue  # nothing to make invalid (/me takes no parameters)

            @given(case=operation.as_strategy(generation_mode=mode))
            @hypothesis_settings(
                max_examples=EXAMPLES,
                derandomize=SEEDED,
                deadline=None,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def check(case) -> None:
                for token in tokens.values():
                    case.call_and_validate(
                        base_url=base, headers=_bearer(token), checks=CHECKS[mode]
                    )

            check()
            # Methods the path does not have: 405 with the methods it does have.
            for method in ("DELETE", "PATCH"):
                path = re.sub(r"\{[^}]+\}", "1", operation.path)
                answer = raw.request(method, path, headers=_bearer(tokens["staff"]))
                assert answer.status_code == 405, (method, path, answer.status_code)
                assert "GET" in answer.headers["allow"], (method, path)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
