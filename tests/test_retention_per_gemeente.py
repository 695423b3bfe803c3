"""Retention settings per gemeente (ADR 0030 §7): each gemeente is the controller of its records and
sets its own terms. A term or signal rule set in Wormerland changes the destruction dates and the
destruction candidates of Wormerland's records, never Zaanstad's; the installation's default holds
where a gemeente made no choice of its own; the beheerder sets them on Beheer › Bewaartermijnen."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from factories import new_signal
from meldpunt.accounts.roles import Role
from meldpunt.core.dates import add_months
from meldpunt.intake.models import Signal
from meldpunt.privacy.models import SecurityEvent, SecurityLogEntry
from meldpunt.privacy.retention import configure, dates, selectors
from meldpunt.privacy.retention.models import ResultClass, SignalRetentionRule
from test_retention_support import age, close_casus, niet_in_behandeling, to_casus

pytestmark = pytest.mark.django_db

CLASS = "signaal-niet-in-behandeling"  # 12 months by default


@pytest.fixture
def world(make_user, home_gemeente, wormerland):
    staff = {g.code: make_user(Role.BEOORDELAAR, Role.REGISSEUR, Role.TEAMLID, gemeente=g)
             for g in (home_gemeente, wormerland)}
    signals = {g.code: niet_in_behandeling(staff[g.code], new_signal(staff[g.code], gemeente=g))
               for g in (home_gemeente, wormerland)}
    beheer = make_user(Role.BEHEERDER, gemeente=wormerland)
    return {"zaanstad": home_gemeente, "wormerland": wormerland, "staff": staff, "signals": signals,
            "beheer": beheer}


def _after(signal, months):
    return add_months(timezone.localdate(signal.state_since), months)


def _fresh(signal):
    return Signal.objects.get(pk=signal.pk)


def test_a_term_set_in_wormerland_changes_its_dates_and_not_zaanstads(world):
    z, w = world["signals"]["GM0479"], world["signals"]["GM0880"]
    assert _fresh(z).destroy_after == _after(z, 12) and _fresh(w).destroy_after == _after(w, 12)
    own = configure.set_term(world["beheer"], world["wormerland"], CLASS, valuation="vernietigen", term_months=3)
    assert own.gemeente_id == "GM0880" and own.term_label == "3 maanden"
    assert _fresh(w).destroy_after == _after(w, 3)
    assert _fresh(z).destroy_after == _after(z, 12)
    # The daily safety net computes the same: each record by its own gemeente's term.
    dates.recompute_all()
    assert _fresh(w).destroy_after == _after(w, 3) and _fresh(z).destroy_after == _after(z, 12)
    # Candidates for a destruction list: after 200 days Wormerland's is due, Zaanstad's is not.
    age(w, 200), age(z, 200)
    today = timezone.localdate()
    due_w = {r.pk for r in selectors.due_records(today, gemeente=world["wormerland"])}
    due_z = {r.pk for r in selectors.due_records(today, gemeente=world["zaanstad"])}
    assert w.pk in due_w and z.pk not in due_z
    assert w.pk in {r.pk for r in selectors.due_records(today, result_class=CLASS)}


def test_blijvend_bewaren_and_back_to_the_default(world):
    w, z = world["signals"]["GM0880"], world["signals"]["GM0479"]
    configure.set_term(world["beheer"], world["wormerland"], CLASS, valuation="blijvend_bewaren", term_months=None)
    assert _fresh(w).destroy_after is None and _fresh(z).destroy_after == _after(z, 12)
    configure.reset_term(world["beheer"], world["wormerland"], CLASS)
    assert _fresh(w).destroy_after == _after(w, 12)
    assert not ResultClass.objects.filter(gemeente__isnull=False).exists()
    # Without a choice of its own, Wormerland follows a change of the default.
    default = ResultClass.objects.get(code=CLASS, gemeente__isnull=True)
    default.term_months = 18
    default.save()
    assert _fresh(w).destroy_after == _after(w, 18) and _fresh(z).destroy_after == _after(z, 18)
    # Setting the default's own term is no choice of its own: no row is kept.
    configure.set_term(world["beheer"], world["wormerland"], CLASS, valuation="vernietigen", term_months=18)
    assert not ResultClass.objects.filter(gemeente__isnull=False).exists()


def test_a_signal_rule_of_wormerland_holds_only_there(world):
    w, z = world["signals"]["GM0880"], world["signals"]["GM0479"]
    configure.set_signal_rule(world["beheer"], world["wormerland"], "niet_in_behandeling", "signaal-doorgezet")
    assert _fresh(w).destroy_after == _after(w, 60) and _fresh(z).destroy_after == _after(z, 12)
    assert SignalRetentionRule.objects.filter(gemeente_id="GM0880").count() == 1
    age(w, 400), age(z, 400)
    due = {r.pk: r.result_class_code for r in selectors.due_records(timezone.localdate() + timedelta(days=2000))}
    assert due[w.pk] == "signaal-doorgezet" and due[z.pk] == CLASS
    configure.set_signal_rule(world["beheer"], world["wormerland"], "niet_in_behandeling", CLASS)
    assert not SignalRetentionRule.objects.filter(gemeente_id="GM0880").exists()
    assert _fresh(w).destroy_after == _after(_fresh(w), 12)


def test_a_casus_takes_the_term_of_its_gemeente(world):
    user = world["staff"]["GM0880"]
    casus = close_casus(to_casus(user, new_signal(user, gemeente=world["wormerland"])), "handhaving-uitgevoerd")
    assert casus.destroy_after == add_months(timezone.localdate(casus.closed_at), 120)
    configure.set_term(world["beheer"], world["wormerland"], "handhaving-uitgevoerd", valuation="vernietigen",
                       term_months=84)
    casus.refresh_from_db()
    assert casus.destroy_after == add_months(timezone.localdate(casus.closed_at), 84)


@pytest.mark.parametrize(("valuation", "term", "field"), [
    ("vernietigen", None, "termijn"), ("vernietigen", 0, "termijn"), ("vernietigen", 5000, "termijn"),
    ("weggooien", 12, "waardering")])
def test_bad_terms_are_refused_in_dutch_and_change_nothing(world, valuation, term, field):
    w = world["signals"]["GM0880"]
    with pytest.raises(configure.RetentionError) as refused:
        configure.set_term(world["beheer"], world["wormerland"], CLASS, valuation=valuation, term_months=term)
    assert field in refused.value.field_errors
    assert not ResultClass.objects.filter(gemeente__isnull=False).exists()
    assert _fresh(w).destroy_after == _after(w, 12)


def test_the_beheer_page_shows_and_edits_the_current_gemeentes_terms(world, client):
    client.force_login(world["beheer"])
    page = client.get(reverse("web:bewaartermijnen_instellen"))
    html = page.content.decode()
    assert page.status_code == 200 and "Bewaartermijnen van Wormerland" in html
    assert "Signaal: niet in behandeling of geen hit" in html and "niet_in_behandeling" not in html.replace(
        'value="niet_in_behandeling"', "")
    assert reverse("web:bewaartermijnen_instellen") in client.get(reverse("web:beheer")).content.decode()
    answer = client.post(reverse("web:bewaartermijnen_termijn"), {
        "gemeente": "GM0880", "resultaatklasse": CLASS, "waardering": "vernietigen", "termijn": "6"}, follow=True)
    text = answer.content.decode()
    assert "in Wormerland geldt nu 6 maanden" in text and "(eigen keuze)" in text
    w = world["signals"]["GM0880"]
    assert _fresh(w).destroy_after == _after(w, 6)
    line = SecurityLogEntry.objects.filter(event=SecurityEvent.ADMIN_CHANGE).order_by("-seq").first()
    assert line.gemeente_code == "GM0880" and "6 maanden" in line.detail
    # Bad input: a Dutch message, nothing changed.
    answer = client.post(reverse("web:bewaartermijnen_termijn"), {
        "gemeente": "GM0880", "resultaatklasse": CLASS, "waardering": "vernietigen", "termijn": "zes"}, follow=True)
    assert "heel aantal maanden" in answer.content.decode()
    assert _fresh(w).destroy_after == _after(w, 6)
    answer = client.post(reverse("web:bewaartermijnen_termijn"), {
        "gemeente": "GM0880", "resultaatklasse": CLASS, "waardering": "vernietigen", "termijn": "6",
        "standaard": "1"}, follow=True)
    assert "volgt weer de standaardtermijn" in answer.content.decode()
    assert _fresh(w).destroy_after == _after(w, 12)
    answer = client.post(reverse("web:bewaartermijnen_regel"), {
        "gemeente": "GM0880", "eindstatus": "niet_in_behandeling", "resultaatklasse": "signaal-doorgezet"},
        follow=True)
    assert answer.status_code == 200 and _fresh(w).destroy_after == _after(w, 60)
