"""P9 between gemeenten, the rest of the reach (ADR 0030 §15, issue 16 "Tests that must exist"): no
role in gemeente A sees B's log lines, notifications, beeld cells, search hits, map counts or export
rows, and B's sealed signal and attachment do not open through A's services.

A is the home gemeente Zaanstad (GM0479); B is Wormerland (GM0880, its own key slot and log chain).
B's staff hold their roles in B only; the attacker holds **every** role in A. What A must not see is
recognised by B's kenmerk, B's secret name and B's trace ids; what A may see is checked against the
policy (so a page that shows nothing at all would not pass for a safe one where it should show A's).
"""

import io
import secrets
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from beeld_support import beeld_dir, forget_snapshots
from conftest import grant_roles, make_tenant
from factories import SECRET_NAME, new_signal
from meldpunt import policy
from meldpunt.accounts import services as account_services
from meldpunt.accounts.roles import Role
from meldpunt.core.errors import NotAllowed
from meldpunt.insight import selectors as beeld
from meldpunt.insight import services as beeld_services
from meldpunt.insight.models import Trigger
from meldpunt.intake import services as intake
from meldpunt.intake.models import Signal
from meldpunt.notifications import selectors as meldingen
from meldpunt.notifications import signalering
from meldpunt.notifications.models import Kind, Notification
from meldpunt.privacy import selectors as toezicht
from meldpunt.privacy import trace
from meldpunt.privacy.models import ProcessingLogEntry, SecurityEvent, SecurityLogEntry
from meldpunt.protocol import sealing
from meldpunt.registries import related
from meldpunt.registries.models import Verblijfplaats, Verblijfsobject
from meldpunt.tenancy.keys import ring_for
from meldpunt.tenancy.models import Regio

pytestmark = [pytest.mark.attack, pytest.mark.django_db]

EVERY_ROLE = [role.value for role in Role]
B_BSN = "999990019"
REFUSED = (403, 404)


def _new_trace() -> str:
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"


@pytest.fixture
def world(home_gemeente, make_user):
    wormerland = make_tenant()
    staff_b = make_user("beoordelaar", "regisseur", "teamlid", gemeente=wormerland)
    fg_b = make_user("fg", gemeente=wormerland)
    # Each gemeente's work in its own trace, as two requests would be (a test shares one otherwise).
    with trace.job_span("werk van Wormerland", traceparent=_new_trace()):
        signal_b = new_signal(staff_b, SECRET_NAME, B_BSN, index=2, gemeente=wormerland)
    attacker = make_user(*EVERY_ROLE, username="alles-in-zaanstad", gemeente=home_gemeente)
    with trace.job_span("werk van Zaanstad", traceparent=_new_trace()):
        own = new_signal(attacker, "Eigen Betrokkene", "999993653", index=3, gemeente=home_gemeente)
    b_traces = set(ProcessingLogEntry.objects.filter(gemeente_code="GM0880").values_list("trace_id", flat=True))
    b_traces -= set(ProcessingLogEntry.objects.exclude(gemeente_code="GM0880").values_list("trace_id", flat=True))
    assert b_traces, "B's work writes lines in B's chain"
    return {"a": home_gemeente, "b": wormerland, "staff_b": staff_b, "fg_b": fg_b, "signal_b": signal_b,
            "attacker": attacker, "own": own, "b_traces": b_traces}


def _body(response) -> str:
    return response.content.decode("utf-8-sig", errors="replace")


def _shows_nothing_of_b(body: str, w) -> bool:
    return w["signal_b"].reference not in body and SECRET_NAME not in body and not any(
        trace in body for trace in w["b_traces"])


# ------------------------------------------------------------------------------------ log lines


def test_toezicht_the_logboek_api_and_the_bsn_lookup_of_a_show_none_of_bs_lines(client, world):
    attacker, signal_b = world["attacker"], world["signal_b"]
    client.force_login(attacker)
    by_bsn = {"nummer": B_BSN, "soort": "bsn"}
    trace_b = sorted(world["b_traces"])[0]
    pages = [(reverse("web:toezicht"), {}), (reverse("privacy:verwerkingslog"), {}),
             (reverse("privacy:verwerkingslog"), by_bsn), (reverse("privacy:verwerkingslog_export"), {}),
             (reverse("privacy:verwerkingslog_export"), by_bsn), (reverse("privacy:beveiligingslog"), {}),
             (reverse("privacy:beveiligingslog_export"), {}),
             (reverse("privacy:verwerking", args=[trace_b]), {})]
    for url, query in pages:
        response = client.get(url, query)
        assert response.status_code in (200, *REFUSED), url
        assert _shows_nothing_of_b(_body(response), world), (url, query)
    # The LDV read API (Logboek dataverwerkingen), by B's trace and by B's BSN: no record of B.
    for query in ({"traceId": trace_b}, {"dataSubjectId": B_BSN, "dataSubjectIdType": "bsn"}):
        response = client.get("/api/v1/logboek/verwerkingen", query)
        assert response.status_code == 200, response.content
        # (By BSN A finds its FG's own earlier look-ups in A's chain: those are A's lines.)
        assert not {r["trace_id"] for r in response.json()["records"]} & world["b_traces"], query

    # The selectors under the pages: only A's chain (and the installation's lines), never B's.
    everything = toezicht.LogFilter()
    assert not toezicht.processing_log(attacker, everything).filter(gemeente_code="GM0880").exists()
    # By B's BSN: only the attacker's own look-ups just now (A's lines about A's FG reading), no work.
    assert set(toezicht.processing_log(attacker, toezicht.LogFilter(
        subject_type="bsn", subject_identifier=B_BSN)).values_list("user_id", "gemeente_code")) <= {
            (attacker.pk, "GM0479")}
    # ... while B's FG does find them: the check above is not blind.
    assert toezicht.processing_log(world["fg_b"], toezicht.LogFilter(subject_type="bsn",
                                                                     subject_identifier=B_BSN)).exists()
    b_event = SecurityLogEntry.objects.filter(gemeente_code="GM0880")
    assert not toezicht.security_log(attacker, everything).filter(pk__in=b_event.values("pk")).exists()

    # The attacker tries B's signal: refused, and B's FG sees the attempt. (Finding, notes/p9.md: a
    # refusal answered 404 is written as an installation event, gemeente "", not in B's gemeente.)
    assert client.get(reverse("protocol:signaal", args=[signal_b.reference])).status_code in REFUSED
    refusal = SecurityLogEntry.objects.filter(event=SecurityEvent.ACCESS_DENIED, user_id=attacker.pk).latest("seq")
    assert refusal.gemeente_code in ("", "GM0880")
    assert refusal in toezicht.security_log(world["fg_b"], everything)


# --------------------------------------------------------------------------------- notifications


def test_bs_meldingen_reach_no_role_in_a_neither_in_the_list_nor_the_badge(client, world):
    attacker, staff_b = world["attacker"], world["staff_b"]
    # The daily signalering: both gemeenten' signals wait too long in "ontvangen".
    signalering.scan(timezone.localdate() + timedelta(days=6))
    assert Notification.objects.filter(recipient=staff_b, kenmerk=world["signal_b"].reference).exists()
    assert not Notification.objects.filter(recipient=attacker, gemeente=world["b"]).exists()
    client.force_login(attacker)
    page = client.get(reverse("notifications:meldingen"))
    assert page.status_code == 200 and world["own"].reference in _body(page)
    assert _shows_nothing_of_b(_body(page), world)
    assert meldingen.unread_count(attacker) == Notification.objects.filter(
        recipient=attacker, read_at__isnull=True, gemeente=world["a"]).count()


def test_a_melding_of_b_goes_from_the_list_with_the_role_in_b(client, world, make_user):
    """A person who worked for both keeps no window on B once the role in B is gone: B's meldingen
    leave their list, badge and link (the kenmerk is B's record)."""
    both = make_user("beoordelaar", gemeente=world["a"])
    grant_roles(both, "beoordelaar", gemeente=world["b"])
    signalering.scan(timezone.localdate() + timedelta(days=6))
    melding_b = Notification.objects.get(recipient=both, gemeente=world["b"], kind=Kind.SIGNAAL_WACHT,
                                         kenmerk=world["signal_b"].reference)
    client.force_login(both)
    assert world["signal_b"].reference in _body(client.get(reverse("notifications:meldingen")))
    with_b = meldingen.unread_count(both)

    account_services.set_roles(both, [], gemeente=world["b"])
    both.forget_roles()
    client.force_login(both)
    assert world["signal_b"].reference not in _body(client.get(reverse("notifications:meldingen")))
    assert meldingen.unread_count(both) == with_b - Notification.objects.filter(
        recipient=both, gemeente=world["b"], read_at__isnull=True).count()
    assert client.get(reverse("notifications:openen", args=[melding_b.pk])).status_code == 404


# --------------------------------------------------------------------------- search, map, export


def test_search_the_map_and_the_werkvoorraad_export_of_a_hold_nothing_of_b(client, world):
    attacker, signal_b = world["attacker"], world["signal_b"]
    client.force_login(attacker)
    visible = policy.signals_visible_to(attacker, Signal.objects.all())
    assert world["own"] in visible and signal_b not in visible
    words = [signal_b.reference, SECRET_NAME, "wietlucht"]  # the last one is in A's signal too
    urls = [f"{reverse('web:werkvoorraad')}?text={w}" for w in words]
    urls += [f"/api/v1/signalen?limit=100&zoek={w}" for w in words]
    urls += [f"/api/v1/signalen?kenmerk={signal_b.reference}", reverse("web:werkvoorraad_export"),
             f"{reverse('web:werkvoorraad_export')}?text={signal_b.reference}"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = _body(response)
        for word in words:  # the search form repeats what was typed
            body = body.replace(f'value="{word}"', "")
        # A page repeats the typed words in its search form: what must not show is a link to B's
        # signal, B's kenmerk as a value, or B's name.
        assert f"/{signal_b.reference}/" not in body, url
        if "api/" in url:
            assert f'"{signal_b.reference}"' not in body, url
        assert SECRET_NAME not in body, url
        if "export" in url:
            assert signal_b.reference not in body, url
    assert world["own"].reference in _body(client.get("/api/v1/signalen?limit=100&zoek=wietlucht"))
    kaart = client.get("/api/v1/signalen/kaart").json()
    assert sum(row["aantal"] for row in kaart) == visible.exclude(buurt=None).count()


# ------------------------------------------------------------------------------ sealed data


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), "red").save(out, "PNG")
    return out.getvalue()


def _sealed_with_attachment(staff, gemeente) -> Signal:
    signal = intake.create_signal(intake.SignalInput(
        channel="intern", reporter_kind="medewerker", description=f"Foto van de loods van {SECRET_NAME}.",
        phenomenon="hennepteelt_drugs", uploads=[intake.UploadInput("loods.png", _png())]),
        user=staff, gemeente=gemeente)
    sealing.seal(signal)
    signal.save()
    signal.refresh_from_db()
    return signal


def test_bs_sealed_signal_and_attachment_do_not_open_through_as_services(client, world):
    attacker = world["attacker"]
    sealed = _sealed_with_attachment(world["staff_b"], world["b"])
    assert sealed.is_sealed and not policy.may_reveal_sealed(attacker, sealed)
    before = ProcessingLogEntry.objects.filter(action="versleuteld_inzien").count()
    with pytest.raises(NotAllowed):
        sealing.reveal(attacker, sealed, "Ik wil weten wat er in Wormerland speelt, dus ik kijk.")
    client.force_login(attacker)
    for url in (reverse("protocol:versleuteld", args=[sealed.reference]),
                reverse("protocol:contact_melder", args=[sealed.reference]),
                reverse("api:signaal-versleuteld-inzien", kwargs={"kenmerk": sealed.reference})):
        for method in (client.get, client.post):
            response = method(url, {"reden": "Ik wil weten wat er in Wormerland speelt, dus ik kijk."})
            assert response.status_code in (*REFUSED, 405), url
            assert SECRET_NAME not in _body(response), url
    # There is no download of an attachment: it is read only through the reveal above. Its file does
    # not open with A's keys either (a service of A that unseals with its own ring gets nothing).
    attachment = sealed.attachments.get()
    with attachment.file.open("rb") as handle:
        sealed_file = handle.read()
    with pytest.raises(ValueError, match="sleutel van deze gemeente"):
        ring_for(world["a"]).unseal(sealed_file)
    with pytest.raises(ValueError, match="sleutel van deze gemeente"):
        ring_for(world["a"]).unseal(bytes(sealed.sealed))
    assert ProcessingLogEntry.objects.filter(action="versleuteld_inzien").count() == before
    # B's own staff do read it (the refusal above is about the gemeente, not a broken seal).
    assert sealing.reveal(world["staff_b"], sealed, "Nieuw signaal op hetzelfde adres, samenhang nagaan.")


# ------------------------------------------------------------------------------------ the beeld


@pytest.fixture(scope="module")
def _beeld(django_db_setup, django_db_blocker, tmp_path_factory):
    """One ondermijningsbeeld of the demo gemeente Zaanstad (A), as in tests/test_insight.py."""
    folder = tmp_path_factory.mktemp("beeld-p9")
    with django_db_blocker.unblock(), beeld_dir(folder):
        forget_snapshots()
        snap = beeld_services.regenerate(trigger=Trigger.ON_DEMAND)
    yield snap, folder
    with django_db_blocker.unblock():
        forget_snapshots()


@pytest.fixture
def beeld_snapshot(_beeld):
    snap, folder = _beeld
    with beeld_dir(folder):
        assert dict(beeld.snapshot_gemeenten(snap)).get("GM0479")
        yield snap


BEELD_PAGES = ["web:ondermijningsbeeld", "insight:report", "insight:report_pdf", "insight:export_csv",
               "insight:export_json"]


def test_a_beeld_role_in_b_reads_none_of_as_beeld_cells(client, beeld_snapshot, make_user):
    """The session's beeld is Zaanstad's (A). An analist and a regisseur of Wormerland (B) only: no
    page, report or export shows a cell of A, also not when A's code is asked for."""
    wormerland = make_tenant()
    naam = dict(beeld.snapshot_gemeenten(beeld_snapshot))["GM0479"]
    for role in ("analist", "regisseur"):
        client.force_login(make_user(role, gemeente=wormerland))
        for name in BEELD_PAGES:
            for query in ({}, {"gemeente": "GM0479"}):
                response = client.get(reverse(name), query)
                assert response.status_code in (200, 403), (role, name)
                body = _body(response)
                assert f"{naam} in cijfers" not in body and "GM0479" not in body, (role, name, query)
                if name.startswith("insight:export"):
                    assert response.status_code == 403, name  # the export holds A's cells: refused
        response = client.get(reverse("insight:dashboard", args=["vastgoed"]), {"gemeente": "GM0479"})
        assert response.status_code == 200 and f"{naam}" not in _body(response).split("<main", 1)[-1]
    # The home analist still reads A's beeld (the check is not blind).
    client.force_login(make_user("analist", gemeente="GM0479"))
    assert f"{naam} in cijfers" in _body(client.get(reverse("web:ondermijningsbeeld")))
    assert client.get(reverse("insight:export_csv")).status_code == 200


def test_the_regional_beeld_opens_only_to_a_regio_wide_analist_or_a_beeld_role_in_every_member(
        client, home_gemeente, make_user):
    wormerland = make_tenant()
    regio = Regio.objects.create(code="zaanstreek", naam="Zaanstreek", convenant="Convenant Zaanstreek",
                                 convenant_valid_from=date(2026, 1, 1))
    for tenant in (home_gemeente, wormerland):
        tenant.regio = regio
        tenant.save(update_fields=["regio"])
    url = reverse("insight:regio")
    only_a = make_user("analist", "regisseur", gemeente=home_gemeente)
    in_both = grant_roles(make_user("regisseur", gemeente=home_gemeente), "analist", gemeente=wormerland)
    regio_wide = account_services.create_user("analist-van-de-regio", "een-lang-wachtwoord-voor-tests",
                                              ["analist"], regio=regio)
    for user, status in ((only_a, 403), (in_both, 200), (regio_wide, 200)):
        client.force_login(user)
        assert client.get(url).status_code == status, user.username
    assert not policy.may_open_regional_beeld(only_a, regio)
    assert policy.may_open_regional_beeld(regio_wide, regio)
    assert not policy.may_open_regional_beeld(regio_wide, "geen-regio")


# ----------------------------------------------------------------------------- registry extracts


def test_registry_records_are_counted_only_at_an_address_inside_the_signals_gemeente(world):
    """ADR 0030 §2: the extracts are shared, each gemeente reads only its own. A Wormerland signal
    about a Zaanstad address shows no residents or companies there ("adres buiten de gemeente");
    a Zaanstad signal on the same address counts them."""
    resident = Verblijfplaats.objects.filter(datum_einde__isnull=True).order_by("pk").first()
    address = resident.adres
    assert Verblijfsobject.objects.get(hoofdadres=address).buurt.wijk.gemeente_id == "GM0479"

    def at(staff, gemeente):
        data = intake.SignalInput(channel="intern", description="Drukte bij een pand.", reporter_kind="medewerker",
                                  phenomenon="hennepteelt_drugs", address=address.pk)
        return intake.create_signal(data, user=staff, gemeente=gemeente)

    theirs = related.related_for_signal(world["staff_b"], at(world["staff_b"], world["b"]))
    assert theirs.allowed and theirs.outside == [address] and theirs.addresses == []
    assert not theirs.has_registry and theirs.persons.count == 0
    ours = related.related_for_signal(world["attacker"], at(world["attacker"], world["a"]))
    assert ours.addresses == [address] and ours.outside == [] and ours.persons.count >= 1
