"""One house for errors (issue 15): one base class, handled in one place for the API and one for the
forms; every transition in a table; a function that needs its caller's transaction asserts it."""

import importlib
import inspect
import pkgutil
from types import SimpleNamespace

import pytest
from django import forms
from django.db import transaction
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

import meldpunt
from meldpunt.cases import services as case_services
from meldpunt.cases.models import Casus
from meldpunt.core import errors
from meldpunt.core.transactions import TransactionRequired, require_atomic
from meldpunt.intake import services as intake
from meldpunt.intake.errors import IntakeError
from meldpunt.privacy.models import SecurityLogEntry
from meldpunt.protocol import services as protocol
from meldpunt.protocol.errors import ProtocolError, WrongState
from meldpunt.protocol.models import StateChange
from meldpunt.protocol.services import WegingInput
from meldpunt.protocol.transitions import SIGNAL_TRANSITIONS
from meldpunt.registries.models import Nummeraanduiding
from meldpunt.web.forms import add_service_errors

pytestmark = pytest.mark.attack

# Programming and integrity guards, not refusals a user sees, and DRF's own authentication failure:
# they stay outside MeldpuntError.
INTERNAL = {"AppendOnlyError", "SecurityLogError", "_Rollback", "DestructionBlocked", "SnapshotImmutable",
            "NotDue", "TransactionRequired", "TokenRefused", "ChainBroken",
            # tenancy: the installation's gemeente is not configured or conflicts, a record is made
            # without its gemeente, a model lacks its OWNER_PATHS entry: for the beheerder or the
            # programmer, never a refused step of a user.
            "TenancyError", "GemeenteRequired", "UnknownOwner", "HomeGemeenteUnknown",
            # a log line or a key asked for without its controller (ADR 0030 §5-6): a programming
            # error, fails loudly
            "ControllerUnknown", "NoController"}


# ------------------------------------------------------------------------------- the API handler


class Raising(APIView):
    """A tiny endpoint that refuses with the error it is given."""

    error: Exception = None
    problem_field = ""
    problem_param = None

    def post(self, request):
        raise self.error


def call(error, user, **attrs):
    request = APIRequestFactory().post("/api/v1/proef", {}, format="json")
    force_authenticate(request, user=user)
    response = Raising.as_view(error=error, **attrs)(request)
    response.render()
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("error, status, title", [
    (errors.InvalidInput("Geef een omschrijving."), 400, "Ongeldige invoer"),
    (errors.MeldpuntError("Dit kan zo niet."), 400, "Ongeldige invoer"),
    (ProtocolError("Leg eerst weging 1 vast."), 400, "Ongeldige invoer"),
    (errors.NotAllowed("Uw rol mag dit niet."), 403, "Geen toegang"),
    (errors.NotFound("Dit signaal bestaat niet of u mag het niet zien."), 404, "Niet gevonden"),
    (errors.Conflict("De status is intussen veranderd."), 409, "Conflict met de huidige stand"),
    (WrongState("Deze stap kan niet vanuit de status 'ontvangen'."), 409, "Conflict met de huidige stand"),
], ids=lambda v: type(v).__name__ if isinstance(v, Exception) else str(v))
def test_each_error_class_is_a_problem_with_its_status(make_user, error, status, title):
    response = call(error, make_user("beoordelaar"))
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.data
    assert (body["status"], body["title"], body["detail"]) == (status, title, error.messages[0])
    assert "invalidParams" not in body  # no field errors and no field named by the view


@pytest.mark.django_db
def test_field_errors_become_invalid_params(make_user):
    error = IntakeError({"description": ["Geef een omschrijving."], "phenomenon": ["Kies een fenomeen.", "Echt."]})
    response = call(error, make_user("beoordelaar"), problem_param=str.upper)
    assert response.status_code == 400
    assert response.data["invalidParams"] == [
        {"name": "DESCRIPTION", "code": "invalid", "reason": "Geef een omschrijving."},
        {"name": "PHENOMENON", "code": "invalid", "reason": "Kies een fenomeen."},
        {"name": "PHENOMENON", "code": "invalid", "reason": "Echt."}]
    assert response.data["detail"]  # a Dutch summary, never empty


@pytest.mark.django_db
def test_a_refusal_without_field_errors_names_the_views_parameter(make_user):
    response = call(WrongState("Deze stap kan niet vanuit de status 'ontvangen'."), make_user("beoordelaar"),
                    problem_field="overgang")
    assert response.status_code == 409
    assert [p["name"] for p in response.data["invalidParams"]] == ["overgang"]


@pytest.mark.django_db
def test_not_allowed_through_the_api_is_a_security_event(make_user):
    user = make_user("beoordelaar")
    before = SecurityLogEntry.objects.count()
    assert call(errors.NotAllowed("Uw rol mag dit niet."), user).status_code == 403
    assert SecurityLogEntry.objects.count() == before + 1


# ------------------------------------------------------------------------------------ the forms


class SignalForm(forms.Form):
    omschrijving = forms.CharField(required=False)


def test_field_errors_land_on_their_fields_and_messages_on_the_form():
    form = SignalForm({"omschrijving": "x"})
    assert form.is_valid()
    add_service_errors(form, errors.InvalidInput("Er is niets opgeslagen.", field_errors={
        "omschrijving": ["Te kort."], "bestaat_niet": ["Een veld dat het formulier niet kent."]}))
    assert form.errors["omschrijving"] == ["Te kort."]
    assert form.non_field_errors() == ["Een veld dat het formulier niet kent.", "Er is niets opgeslagen."]


def test_an_intake_error_has_field_errors_and_no_second_shape():
    error = IntakeError({"description": ["Geef een omschrijving."]})
    assert error.field_errors == {"description": ["Geef een omschrijving."]} and error.messages == []
    assert not hasattr(error, "errors")
    assert str(error) == "Geef een omschrijving."


# ---------------------------------------------------------------------------- one error family


def _modules():
    for info in pkgutil.walk_packages(meldpunt.__path__, "meldpunt."):
        if ".migrations" in info.name or info.name.startswith(("meldpunt.settings", "meldpunt.wsgi")):
            continue
        yield importlib.import_module(info.name)


def _exceptions():
    for module in _modules():
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseException) and cls.__module__ == module.__name__:
                yield cls


def test_every_app_error_is_a_meldpunt_error():
    found = set(_exceptions())
    assert len(found) > 20
    strays = sorted(f"{c.__module__}.{c.__qualname__}" for c in found
                    if not issubclass(c, errors.MeldpuntError) and c.__name__ not in INTERNAL)
    assert strays == []


def test_there_is_one_not_allowed():
    assert [c for c in _exceptions() if c.__name__ == "NotAllowed"] == [errors.NotAllowed]
    from meldpunt.privacy.retention import services as retention
    from meldpunt.registries import services as registries

    assert protocol.NotAllowed is retention.NotAllowed is registries.NotAllowed is errors.NotAllowed


def test_each_app_defines_its_errors_in_its_errors_module():
    for cls in _exceptions():
        if issubclass(cls, errors.MeldpuntError):
            assert cls.__module__.endswith(".errors"), cls


# ------------------------------------------------------------------------------ transactions


@pytest.mark.parametrize("call_outside", [
    lambda: protocol.start_history(SimpleNamespace()),
    lambda: protocol.join_casus(None, SimpleNamespace()),
    lambda: case_services.lock(SimpleNamespace(pk=1)),
    lambda: case_services.open_from_signal(None, SimpleNamespace(), SimpleNamespace(), []),
], ids=["start_history", "join_casus", "lock", "open_from_signal"])
def test_a_function_that_needs_its_callers_transaction_refuses_to_run_without_one(call_outside):
    # No database fixture: outside any transaction (autocommit), before any query.
    with pytest.raises(TransactionRequired):
        call_outside()


@pytest.mark.django_db
def test_require_atomic_passes_inside_a_transaction():
    with transaction.atomic():
        require_atomic()


# ----------------------------------------------------------------- casus_koppelen is a table row
# Minimal setup copied from tests/test_cases.py.

BASIS = {"purpose": "Bestrijden van ondermijning", "legal_basis": "AVG art. 6 lid 1 sub e",
         "reasoning": "Zo gewogen om deze reden."}
W1_CHECKLIST = {"kenmerken": ["openbare_orde"], "verankering": ["gelegenheid_zakelijk"]}


def weging(kind, decision):
    values = dict(BASIS)
    if kind == "W1" and decision == "ja":
        values["checklist"] = W1_CHECKLIST
    if kind == "W3" and decision == "bronnenonderzoek":
        values.update(necessity="nodig", proportionality="evenredig", subsidiarity="geen lichter middel")
    return WegingInput(kind, decision, **values)


def new_signal(user, name="Geheime Betrokkene", bsn="999993653", index=0):
    address = Nummeraanduiding.objects.order_by("pk")[index]
    data = intake.SignalInput(channel="intern", description="Sterke wietlucht, ramen afgeplakt.",
                              phenomenon="hennepteelt_drugs", reporter_kind="medewerker", address=address.pk,
                              subjects=[intake.SubjectInput(kind="persoon", name=name, bsn=bsn)])
    return intake.create_signal(data, user=user)


def to_research(user, signal):
    protocol.decide(user, signal, [weging("W1", "ja"), weging("W2A", "ja"), weging("W2B", "ja")],
                    "intake_doorzetten")
    protocol.decide(user, signal, [weging("W3", "bronnenonderzoek")], "zwaarte_bronnenonderzoek")
    signal.refresh_from_db()
    return signal


def open_casus(regie) -> Casus:
    signal = to_research(regie, new_signal(regie))
    protocol.decide(regie, signal, [weging("W4", "casus")], "hits_casus")
    return Casus.objects.get(signal_links__signal=signal)


def test_casus_koppelen_is_a_row_of_the_signal_table():
    row = next(t for t in SIGNAL_TRANSITIONS if t.code == "casus_koppelen")
    assert (row.source, row.target, row.service_only) == ("bronnenonderzoek", "casus", True)


@pytest.mark.django_db
def test_casus_koppelen_is_refused_as_a_step_of_its_own_and_through_the_api(client, make_user):
    regie = make_user("regisseur", "teamlid", "beoordelaar")
    signal = to_research(regie, new_signal(regie))
    history = StateChange.objects.filter(signal=signal).count()
    assert "casus_koppelen" not in [t.code for t in protocol.available(regie, signal)]
    with pytest.raises(ProtocolError):
        protocol.transition(regie, signal, "casus_koppelen")
    client.force_login(regie)
    response = client.post(f"/api/v1/signalen/{signal.reference}/overgangen", {"overgang": "casus_koppelen"},
                           content_type="application/json")
    assert response.status_code == 400
    signal.refresh_from_db()
    assert signal.state == "bronnenonderzoek" and StateChange.objects.filter(signal=signal).count() == history


@pytest.mark.django_db
def test_linking_takes_the_table_row_so_without_it_linking_is_refused(make_user, monkeypatch):
    """ADR 0005: anything not in a table is refused, linking included."""
    regie = make_user("regisseur", "teamlid", "beoordelaar")
    casus = open_casus(regie)
    other = to_research(regie, new_signal(regie, "Andere Betrokkene", "999990019", index=1))
    table = protocol.signal_transition
    monkeypatch.setattr(protocol, "signal_transition", lambda code: None if code == "casus_koppelen" else table(code))
    with pytest.raises(ProtocolError):
        case_services.link_signal(regie, casus, other, weging("W4", "casus"))
    other.refresh_from_db()
    assert other.state == "bronnenonderzoek" and casus.signal_links.count() == 1
    monkeypatch.setattr(protocol, "signal_transition", table)
    case_services.link_signal(regie, casus, other, weging("W4", "casus"))
    other.refresh_from_db()
    assert other.state == "casus" and other.history.latest("at", "id").transition == "casus_koppelen"
