"""API v1: OpenAPI document, problem details in Dutch, bounded pagination, gebieden and /ik."""

import pytest
from django.conf import settings

from meldpunt.accounts.roles import Role
from meldpunt.registries.models import Buurt, Wijk

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def api(client, make_user):
    client.force_login(make_user(Role.ANALIST))
    return client


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    assert response["API-Version"] == settings.MELDPUNT_API_VERSION
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"]
    return body


# -------------------------------------------------------------------------------- schema


def test_schema_is_openapi_3(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert response["API-Version"] == settings.MELDPUNT_API_VERSION
    doc = response.json()
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["title"] == "Meldpunt Ondermijning API"
    assert doc["info"]["version"] == settings.MELDPUNT_API_VERSION
    assert doc["servers"] == [{"url": "/api/v1", "description": "Deze installatie"}]
    for path in ("/gemeenten", "/gemeenten/{code}", "/wijken", "/buurten", "/buurten/{code}", "/ik"):
        assert path in doc["paths"], path
    assert "Problem" in doc["components"]["schemas"]
    assert client.get("/api/v1/openapi.json").json() == doc


def test_schema_documents_problems_and_version_header(client):
    doc = client.get("/api/v1/schema/").json()
    operation = doc["paths"]["/buurten/{code}"]["get"]
    ok = operation["responses"]["200"]
    assert ok["headers"]["API-Version"] == {"$ref": "#/components/headers/API-Version"}
    for code in ("400", "401", "403", "404"):
        content = operation["responses"][code]["content"]
        assert PROBLEM in content, code
    names = {p["name"] for p in doc["paths"]["/buurten"]["get"]["parameters"]}
    assert {"limit", "offset", "gemeente", "wijk"} <= names


def test_every_api_response_has_version_header(api):
    for url in ("/api/v1/gemeenten", "/api/v1/ik", "/api/v1/bestaat-niet"):
        assert api.get(url)["API-Version"] == settings.MELDPUNT_API_VERSION


# ---------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("url", ["/api/v1/gemeenten", "/api/v1/buurten/BU04791111", "/api/v1/ik"])
def test_anonymous_gets_dutch_problem(client, url):
    response = client.get(url)
    assert response.status_code in (401, 403)
    body = assert_problem(response, response.status_code)
    assert body["title"] in ("Niet ingelogd", "Geen toegang")
    assert body["detail"] == "Log in om de API te gebruiken."


def test_user_without_role_is_refused(client, make_user):
    client.force_login(make_user())
    body = assert_problem(client.get("/api/v1/gemeenten"), 403)
    assert body["title"] == "Geen toegang"
    assert_problem(client.get("/api/v1/ik"), 403)


def test_unknown_api_path_is_problem(api):
    body = assert_problem(api.get("/api/v1/bestaat-niet"), 404)
    assert body["title"] == "Niet gevonden"


def test_writes_are_not_allowed(api):
    response = api.post("/api/v1/gemeenten", {"code": "GM9999"}, content_type="application/json")
    body = assert_problem(response, 405)
    assert body["title"] == "Methode niet toegestaan"
    assert "GET" in response["Allow"]


# -------------------------------------------------------------------------- pagination


def test_pagination_limit(api):
    body = api.get("/api/v1/buurten?limit=5").json()
    assert len(body["results"]) == 5
    assert body["count"] == Buurt.objects.count() == 79
    assert "offset=5" in body["next"]
    assert body["previous"] is None
    codes = [b["code"] for b in body["results"]]
    assert codes == sorted(codes)
    following = api.get("/api/v1/buurten?limit=5&offset=5").json()
    assert following["results"][0]["code"] > codes[-1]


def test_pagination_default_and_max(api):
    assert len(api.get("/api/v1/buurten").json()["results"]) == 20
    assert len(api.get("/api/v1/buurten?limit=100").json()["results"]) == 79


@pytest.mark.parametrize(
    "query, name",
    [(f"limit={10**12}", "limit"), ("limit=101", "limit"), ("limit=-1", "limit"), ("limit=abc", "limit"),
     ("offset=-1", "offset"), (f"offset={10**12}", "offset"), ("offset=1e3", "offset")],
)
def test_pagination_bounds_are_400_problems(api, query, name):
    body = assert_problem(api.get(f"/api/v1/buurten?{query}"), 400)
    assert body["title"] == "Ongeldige invoer"
    assert [p["name"] for p in body["invalidParams"]] == [name]
    assert body["invalidParams"][0]["reason"]


def test_offset_past_the_end_is_empty(api):
    body = api.get("/api/v1/buurten?offset=1000").json()
    assert body["results"] == []
    assert body["count"] == 79


# -------------------------------------------------------------------------- gebieden


def test_gemeenten_list_and_detail(api):
    body = api.get("/api/v1/gemeenten").json()
    assert body["count"] == 1
    assert body["results"] == [{"code": "GM0479", "naam": "Zaanstad", "jaar": 2024}]
    assert api.get("/api/v1/gemeenten/GM0479").json() == {"code": "GM0479", "naam": "Zaanstad", "jaar": 2024}
    assert_problem(api.get("/api/v1/gemeenten/GM9999"), 404)
    assert_problem(api.get("/api/v1/gemeenten/zaanstad"), 404)


def test_wijken_filter_and_detail(api):
    body = api.get("/api/v1/wijken?gemeente=GM0479&limit=100").json()
    assert body["count"] == 19
    assert {w["gemeente"] for w in body["results"]} == {"GM0479"}
    # Codes are normalised: lower case works too.
    assert api.get("/api/v1/wijken?gemeente=gm0479").json()["count"] == 19
    assert api.get("/api/v1/wijken?gemeente=GM0363").json()["count"] == 0

    wijk = Wijk.objects.order_by("code").first()
    detail = api.get(f"/api/v1/wijken/{wijk.code}").json()
    assert detail["code"] == wijk.code
    assert detail["naam"] == wijk.naam
    assert detail["inwoners"] == wijk.inwoners
    assert set(detail) == {"code", "naam", "gemeente", "inwoners", "huishoudens", "wozGemiddeld",
                           "misdrijven2025", "misdrijvenPer1000Gem5j"}


def test_bad_gemeente_filter_is_400(api):
    for url in ("/api/v1/wijken?gemeente=Zaanstad", "/api/v1/buurten?gemeente=0479"):
        body = assert_problem(api.get(url), 400)
        assert body["invalidParams"][0]["name"] == "gemeente"
        assert "CBS-gemeentecode" in body["invalidParams"][0]["reason"]
    body = assert_problem(api.get("/api/v1/buurten?wijk=WK12"), 400)
    assert body["invalidParams"][0]["name"] == "wijk"


def test_buurten_filter_and_detail(api):
    wijk = Wijk.objects.order_by("code").first()
    expected = sorted(Buurt.objects.filter(wijk=wijk).values_list("code", flat=True))
    body = api.get(f"/api/v1/buurten?wijk={wijk.code}&limit=100").json()
    assert [b["code"] for b in body["results"]] == expected
    assert {b["wijk"] for b in body["results"]} == {wijk.code}

    buurt = Buurt.objects.get(code=expected[0])
    detail = api.get(f"/api/v1/buurten/{buurt.code}").json()
    assert detail["code"] == buurt.code
    assert detail["wozGemiddeld"] == buurt.woz_gemiddeld
    assert_problem(api.get("/api/v1/buurten/BU99999999"), 404)


# -------------------------------------------------------------------------------- ik


def test_ik_returns_username_and_roles(client, make_user):
    user = make_user(Role.ANALIST, Role.REGISSEUR, username="anna-regisseur")
    client.force_login(user)
    response = client.get("/api/v1/ik")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"gebruikersnaam": "anna-regisseur", "rollen": ["regisseur", "analist"]}
