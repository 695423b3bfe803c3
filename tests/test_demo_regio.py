"""`meldpunt demo --regio` (ADR 0030 §13, §15): one generated dataset for Zaanstad, Wormerland and
Oostzaan, split into three tenants of the regio Zaanstreek, with one regional snapshot, demo users
per gemeente, and subjects that recur in the signals of two or three gemeenten. `make demo` stays
one gemeente."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from meldpunt import policy
from meldpunt.accounts.models import RoleAssignment, User
from meldpunt.demo import regio as regio_demo
from meldpunt.insight.models import Snapshot
from meldpunt.intake.models import MentionedSubject, Signal
from meldpunt.regio.models import RegionalQuestion, RegionalRequest
from meldpunt.registries.models import Vestiging
from meldpunt.tenancy.models import Regio, Tenant
from regio_support import regional_demo

PASSWORD_LINE = re.compile(r"^\s+(\S+)\s+([a-z0-9]{5}(?:-[a-z0-9]{5}){4})\s+(.+)$", re.MULTILINE)


def _ground_truth() -> dict:
    out = Path(settings.VAR_DIR) / "generated" / f"S-479-{regio_demo.REGIO_CODE}"
    return json.loads((out / "ground_truth.json").read_text())["recurring"]


def _gemeenten_of(kind: str, **value) -> set[str]:
    return set(MentionedSubject.objects.filter(kind=kind, **value).values_list("signal__gemeente_id", flat=True))


@pytest.mark.unit
def test_the_codes_are_the_cbs_codes_of_the_zaanstreek():
    rows = regio_demo.gemeente_rows()
    assert {code: row["gemeentenaam"] for code, row in rows.items()} == {
        "GM0479": "Zaanstad", "GM0880": "Wormerland", "GM0431": "Oostzaan"}
    assert {row["provincienaam"] for row in rows.values()} == {"Noord-Holland"}


def test_demo_regio_makes_three_tenants_one_regio_snapshot_and_recurring_subjects(transactional_db, client):
    output = regional_demo()

    regio = Regio.objects.get()
    assert (regio.code, regio.naam) == ("zaanstreek", "Zaanstreek")
    assert "Convenant" in regio.convenant and regio.convenant_valid_from.year == 2026
    tenants = {t.code: t for t in Tenant.objects.all()}
    assert set(tenants) == {"GM0479", "GM0880", "GM0431"}
    assert {t.regio_id for t in tenants.values()} == {"zaanstreek"}
    assert tenants["GM0479"].key_slot == "" and tenants["GM0479"].log_chain == "verwerking"
    for code in ("GM0880", "GM0431"):
        assert tenants[code].key_slot == code and tenants[code].log_chain == f"verwerking:{code}"
    assert len({t.reference_prefix for t in tenants.values()}) == 3

    # Every signal went to the gemeente of its buurt; each gemeente has signals.
    assert set(Signal.objects.values_list("gemeente_id", flat=True)) == set(tenants)
    for signal in Signal.objects.exclude(buurt=None).select_related("buurt__wijk"):
        assert signal.buurt.wijk.gemeente_id == signal.gemeente_id, signal.reference

    # One snapshot, the regio's: no gemeente has one of its own.
    snapshot = Snapshot.objects.get()
    assert snapshot.regio_id == "zaanstreek" and snapshot.gemeente_id is None

    # At least one subject of each kind recurs in two gemeenten (from one number space).
    truth = _ground_truth()
    assert _gemeenten_of("persoon", bsn=truth["persoon"]["bsn"]) == {"GM0479", "GM0880"}
    assert _gemeenten_of("onderneming", kvk_nummer=truth["onderneming"]["kvk_nummer"]) == {"GM0479", "GM0431"}
    assert _gemeenten_of("voertuig", kenteken=truth["voertuig"]["kenteken"]) == set(tenants)
    assert _gemeenten_of("adres", address_id=truth["adres"]["adres"]) == {"GM0479", "GM0880"}
    # ... as the brief describes them: a Zaanstad resident, a company with vestigingen in Zaanstad and
    # Oostzaan, a Wormerland address reported in Zaanstad too (that signal has no buurt of its own).
    kvk = truth["onderneming"]["kvk_nummer"]
    sites = set(Vestiging.objects.filter(onderneming__kvk_nummer=kvk)
                .values_list("adres__verblijfsobject__buurt__wijk__gemeente_id", flat=True))
    assert sites == {"GM0479", "GM0431"}
    # The loader gives each kenmerk its gemeente's prefix; the number (the id) stays the generator's.
    elsewhere = Signal.objects.get(pk=int(truth["adres"]["signaal_elders"].rsplit("-", 1)[1]))
    assert elsewhere.gemeente_id == "GM0479" and elsewhere.buurt is None
    assert elsewhere.address.verblijfsobject.buurt.wijk.gemeente_id == "GM0880"

    # Demo users: per gemeente a beoordelaar, teamlid, privacyfunctionaris and FG, with their role in
    # that gemeente only; a regisseur in each of the three and an analist for the regio.
    passwords = {user: password for user, password, _ in PASSWORD_LINE.findall(output)}
    expected = {f"{role}.{slug}" for role in ("beoordelaar", "teamlid", "privacyfunctionaris", "fg")
                for slug in ("zaanstad", "wormerland", "oostzaan")} | {"regisseur.regio", "analist.regio"}
    assert set(passwords) == expected
    assert User.objects.get(username="fg.wormerland").check_password(passwords["fg.wormerland"])
    scopes = {a.user.username: [] for a in RoleAssignment.objects.select_related("user")}
    for a in RoleAssignment.objects.select_related("user").order_by("gemeente_id"):
        scopes[a.user.username].append((a.role, a.gemeente_id, a.regio_id))
    assert scopes["fg.wormerland"] == [("fg", "GM0880", None)]
    assert scopes["beoordelaar.oostzaan"] == [("beoordelaar", "GM0431", None)]
    assert sorted(scopes["regisseur.regio"]) == [("regisseur", code, None) for code in ("GM0431", "GM0479", "GM0880")]
    assert scopes["analist.regio"] == [("analist", None, "zaanstreek")]

    each_role_lands_on_real_work(client)

    # Again: nothing new, no passwords shown, the same one snapshot.
    out = regional_demo_again()
    assert "staat al klaar" in out and not PASSWORD_LINE.findall(out)
    assert Snapshot.objects.count() == 1 and Tenant.objects.count() == 3


def each_role_lands_on_real_work(client) -> None:
    """ADR 0030 §13: the story leaves a question asked by Zaanstad and a request waiting in
    Wormerland's *Te beoordelen*, dated in the past two weeks; every demo user finds their work."""
    users = {u.username: u for u in User.objects.all()}
    recent = timezone.now() - timedelta(days=15)
    question = RegionalQuestion.objects.select_related("source_request__signal").get()
    signal = question.source_request.signal
    assert signal.gemeente_id == "GM0479" and signal.state == "bronnenonderzoek"
    assert question.asked_at > recent and signal.received_at > recent
    request = RegionalRequest.objects.get()
    assert (request.gemeente_id, request.from_gemeente_id, request.state) == ("GM0880", "GM0479", "te_beoordelen")
    assert request.received_at > recent

    def page(username, name, *args) -> tuple[int, str]:
        client.force_login(users[username])
        response = client.get(reverse(name, args=args))
        return response.status_code, response.content.decode()

    # Wormerland's privacyfunctionaris weighs it; Zaanstad's does not see it.
    assert "verzoek van Zaanstad" in page("privacyfunctionaris.wormerland", "web:te_beoordelen")[1]
    assert "verzoek van Zaanstad" not in page("privacyfunctionaris.zaanstad", "web:te_beoordelen")[1]
    # The regisseur reads the one word per gemeente on Zaanstad's signal.
    _, text = page("regisseur.regio", "protocol:signaal", signal.reference)
    assert "Wormerland: treffer" in text and "Oostzaan: geen treffer" in text
    # The regisseur's werkvoorraad holds all three gemeenten; a beoordelaar's only their own.
    everything = Signal.objects.all()
    assert set(policy.signals_visible_to(users["regisseur.regio"], everything)
               .values_list("gemeente_id", flat=True)) == {"GM0479", "GM0880", "GM0431"}
    assert set(policy.signals_visible_to(users["beoordelaar.wormerland"], everything)
               .values_list("gemeente_id", flat=True)) == {"GM0880"}
    assert page("beoordelaar.oostzaan", "web:werkvoorraad")[0] == 200
    # Each FG sees their side of the question.
    assert "Zaanstad" in page("fg.wormerland", "regio:regionale_bevragingen")[1]
    assert signal.reference in page("fg.zaanstad", "regio:regionale_bevragingen")[1]
    # The regional beeld: the regio's analist and the regisseur of all three; a beoordelaar not.
    status, text = page("analist.regio", "insight:regio")
    assert status == 200 and "Oostzaan" in text
    assert page("regisseur.regio", "insight:regio")[0] == 200
    assert page("beoordelaar.zaanstad", "insight:regio")[0] == 403


def regional_demo_again() -> str:
    out = io.StringIO()
    call_command("demo", regio=True, no_serve=True, stdout=out, verbosity=0)
    return out.getvalue()


@pytest.mark.django_db
def test_the_one_gemeente_demo_still_makes_one_tenant():
    out = io.StringIO()
    call_command("demo", no_serve=True, no_stories=True, stdout=out, verbosity=0)
    assert list(Tenant.objects.values_list("code", flat=True)) == ["GM0479"]
    assert not Regio.objects.exists()
    assert set(Signal.objects.values_list("gemeente_id", flat=True)) == {"GM0479"}
    assert not Snapshot.objects.filter(regio__isnull=False).exists()
