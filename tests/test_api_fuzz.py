"""Property-based fuzzing of API v1 with schemathesis, over real HTTP against the live server.

Every operation in the OpenAPI document gets generated requests, valid and invalid, sent to
the running server. Each response must:

- never be a server error (5xx);
- use a status code, content type and headers that the document declares;
- match the documented response schema (application/json or application/problem+json);
- reject invalid input with a 4xx and accept valid input. Writes are the exception to the last
  half: a schema cannot say that a BSN passes the elfproef, that a BAG id exists, that a date is
  not in the future or that an anonymous signal has no contact details, so a schema-valid write
  may rightly get a Dutch 400 (P8). For writes, every other check still applies. The same holds
  for the read API of the Logboek Dataverwerkingen: it answers exactly one of three questions, and
  a schema cannot say "exactly one of these parameters" (ADR 0025).

Requests are authenticated the way the document says: staff operations with the session
cookie of a user who has every role (plus the CSRF cookie and header that Django's session
authentication asks for on POST), partner operations with a partner's bearer token. So the
fuzzer reaches the resources instead of stopping at 401/403. Negative cases that leave the
credentials out on purpose are sent without them and must be refused.

The document is built in-process at collection time, because schemathesis needs it to make
one test per operation (its lazy ``from_fixture`` loader does not work with pytest 9).
``test_served_document_is_the_fuzzed_document`` checks that the server serves the same one.
"""

import json
import os
import secrets

import pytest
import requests
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from meldpunt.accounts import services as account_services
from meldpunt.accounts.roles import Role
from meldpunt.intake.services import issue_token

SCHEMA_PATH = "/api/v1/openapi.json"
BASE_PATH = "/api/v1"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _document() -> dict:
    # The JSON round trip gives the same plain types the server sends.
    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))


DOCUMENT = _document()
schema = schemathesis.openapi.from_dict(DOCUMENT)

# The credentials of the current test, set by the ``credentials`` fixture.
_credentials = {}


@schema.auth(refresh_interval=None)  # no caching: every test has a fresh user and partner
class DocumentedAuth:
    """Put the credentials on a case as its operation's ``security`` asks."""

    def get(self, case, ctx):
        return _credentials or None

    def set(self, case, data, ctx):
        schemes = {name for requirement in case.operation.definition.raw.get("security", [])
                   for name in requirement}
        if "partnerToken" in schemes:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data['partner_token']}"}
            return
        case.cookies = {**(case.cookies or {}), "sessionid": data["sessionid"], "csrftoken": data["csrftoken"]}
        if case.method.upper() in UNSAFE_METHODS:
            case.headers = {**(case.headers or {}), "X-CSRFToken": data["csrftoken"]}


pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def credentials(client, demo_reloaded):
    """A user with every role (logged in through Django's test client, created through the
    normal service) and a partner organisation with a token."""
    user = account_services.create_user("fuzzer-alle-rollen", "een-lang-wachtwoord-voor-tests", list(Role.values))
    client.force_login(user)
    _, token = issue_token("Fuzzpartner")
    _credentials.update(
        sessionid=client.cookies["sessionid"].value,
        # Any 32-character secret: Django compares the X-CSRFToken header with this cookie.
        csrftoken=secrets.token_hex(16),
        partner_token=token,
    )
    yield dict(_credentials)
    _credentials.clear()


def test_served_document_is_the_fuzzed_document(live_server):
    response = requests.get(f"{live_server.url}{SCHEMA_PATH}", timeout=30)
    assert response.status_code == 200
    assert response.json() == DOCUMENT


def test_the_fuzzing_credentials_reach_the_data(live_server, credentials):
    """Guards the fuzz test against passing on 401/403 alone."""
    base = f"{live_server.url}{BASE_PATH}"
    cookies = {"sessionid": credentials["sessionid"], "csrftoken": credentials["csrftoken"]}
    me = requests.get(f"{base}/ik", cookies=cookies, timeout=30)
    assert me.status_code == 200
    assert set(me.json()["rollen"]) == set(Role.values)
    wijken = requests.get(f"{base}/wijken", cookies=cookies, timeout=30)
    assert wijken.status_code == 200
    assert wijken.json()["count"] > 0
    assert requests.get(f"{base}/wijken", timeout=30).status_code in (401, 403)
    # A POST gets past CSRF (a 400 for the empty body, not a 403).
    empty = requests.post(f"{base}/signalen", json={}, cookies=cookies, timeout=30,
                          headers={"X-CSRFToken": credentials["csrftoken"]})
    assert empty.status_code == 400, empty.text
    partner = requests.post(f"{base}/partner/signalen", json={}, timeout=30,
                            headers={"Authorization": f"Bearer {credentials['partner_token']}"})
    assert partner.status_code == 400, partner.text


# Operations whose parameters are "exactly one of": schema-valid combinations may get a 400.
ONE_OF_THREE_QUESTIONS = {"/logboek/verwerkingen"}


@pytest.mark.slow  # 18 operations, about 30-50 s on SQLite: `make test-postgres` leaves it out
@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    derandomize=os.environ.get("CI") == "true",  # reproducible in CI, exploring locally
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_openapi_document(case, live_server, credentials):
    one_question = case.path in ONE_OF_THREE_QUESTIONS
    excluded = [positive_data_acceptance] if case.method.upper() in UNSAFE_METHODS or one_question else []
    case.call_and_validate(base_url=f"{live_server.url}{BASE_PATH}", timeout=30, excluded_checks=excluded)
