"""Property-based fuzzing of API v1 with schemathesis, over real HTTP against the live server.

Every operation in the OpenAPI document gets generated requests, valid and invalid, sent to
the running server. Each response must:

- never be a server error (5xx);
- use a status code, content type and headers that the document declares;
- match the documented response schema (application/json or application/problem+json);
- reject invalid input with a 4xx and accept valid input.

The requests carry the session cookie of a user with every role, so the fuzzer reaches the
resources instead of stopping at 401/403. The API is read-only (GET), so CSRF does not apply.

The document is built in-process at collection time, because schemathesis needs it to make
one test per operation. (Its lazy ``from_fixture`` loader does not work with pytest 9.)
``test_served_document_is_the_fuzzed_document`` checks that the server serves the same one.
"""

import json
import os

import pytest
import requests
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings

from meldpunt.accounts import services as account_services
from meldpunt.accounts.roles import Role

SCHEMA_PATH = "/api/v1/openapi.json"
BASE_PATH = "/api/v1"


def _document() -> dict:
    # The JSON round trip gives the same plain types the server sends.
    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))


DOCUMENT = _document()
schema = schemathesis.openapi.from_dict(DOCUMENT)

# The session of the current test's user; the auth provider below puts it on every case,
# except the negative cases that leave the cookie out on purpose (those must get a 4xx).
_session = {}


@schema.auth(refresh_interval=None)  # no caching: every test logs in a fresh user
class SessionCookieAuth:
    def get(self, case, ctx):
        return _session.get("sessionid")

    def set(self, case, data, ctx):
        case.cookies = {**(case.cookies or {}), "sessionid": data}

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def logged_in(client, demo_reloaded):
    """Log in a user with every role, created through the normal service; yields the session id."""
    user = account_services.create_user("fuzzer-alle-rollen", "een-lang-wachtwoord-voor-tests", list(Role.values))
    client.force_login(user)
    _session["sessionid"] = client.cookies["sessionid"].value
    yield _session["sessionid"]
    _session.clear()


def test_served_document_is_the_fuzzed_document(live_server):
    response = requests.get(f"{live_server.url}{SCHEMA_PATH}", timeout=30)
    assert response.status_code == 200
    assert response.json() == DOCUMENT


def test_the_fuzzing_session_reaches_the_data(live_server, logged_in):
    """Guards the fuzz test against passing on 401/403 alone."""
    base = f"{live_server.url}{BASE_PATH}"
    me = requests.get(f"{base}/ik", cookies={"sessionid": logged_in}, timeout=30)
    assert me.status_code == 200
    assert set(me.json()["rollen"]) == set(Role.values)
    wijken = requests.get(f"{base}/wijken", cookies={"sessionid": logged_in}, timeout=30)
    assert wijken.status_code == 200
    assert wijken.json()["count"] > 0
    assert requests.get(f"{base}/wijken", timeout=30).status_code in (401, 403)


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    derandomize=os.environ.get("CI") == "true",  # reproducible in CI, exploring locally
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_openapi_document(case, live_server, logged_in):
    case.call_and_validate(base_url=f"{live_server.url}{BASE_PATH}", timeout=30)
