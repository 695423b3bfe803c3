"""Retention (P4): the destruction date formula, every trigger that recomputes it, the watchlist,
reporter contact anonymisation and the daily job."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from meldpunt.cases.models import Casus
from meldpunt.core.dates import add_months
from meldpunt.intake.models import ReporterContact, Signal
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.privacy.retention import dates, jobs, selectors, services
from meldpunt.privacy.retention.catalogue import SIGNAL_RULES
from meldpunt.privacy.retention.dates import Hold, destruction_date
from meldpunt.privacy.retention.models import ResultClass, SignalRetentionRule
from meldpunt.protocol import services as protocol
from meldpunt.protocol.transitions import SIGNAL_TRANSITIONS, SignalState
from test_retention_support import (
    age,
    close_casus,
    doorgezet_riec,
    geen_actie,
    new_signal,
    niet_in_behandeling,
    to_casus,
    weging,
)

pytestmark = pytest.mark.django_db
ALL = ("beoordelaar", "regisseur", "teamlid")


@pytest.fixture
def staff(make_user):
    return make_user(*ALL)


# ------------------------------------------------------------------------------------ formula


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2025, 1, 31), 1, date(2025, 2, 28)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2025, 3, 15), 60, date(2030, 3, 15)),
    (date(2025, 11, 30), 3, date(2026, 2, 28)),
])
def test_add_months_is_calendar_arithmetic(start, months, expected):
    assert add_months(start, months) == expected


def test_destruction_date_formula():
    start = date(2025, 6, 1)
    assert destruction_date(start, 12) == date(2026, 6, 1)
    assert destruction_date(None, 12) is None
    assert destruction_date(start, None) is None
    assert destruction_date(start, 12, "blijvend_bewaren") is None
    assert destruction_date(start, 12, holds=[Hold(None)]) is None
    assert destruction_date(start, 12, holds=[Hold(date(2027, 1, 1))]) == date(2027, 1, 2)
    assert destruction_date(start, 12, holds=[Hold(date(2025, 7, 1))]) == date(2026, 6, 1)


def test_seeded_result_classes_follow_the_selectielijst():
    terms = dict(ResultClass.objects.values_list("selectielijst_item", "term_months"))
    assert terms["12.1"] == 60 and terms["12.1.6"] == 120 and terms["12.1.7"] == 120
    assert terms["12.2"] == 120 and terms["12.2.5"] == 84 and terms["12.3"] == 12
    assert terms["19.1.9"] == 12 and terms["19.1.11"] == 60
    archive = ResultClass.objects.get(selectielijst_item="19.1.18")
    assert archive.valuation == "blijvend_bewaren" and archive.term_months is None
    assert ResultClass.objects.get(code="signaal-geen-actie").term_months == 12
    assert all(ResultClass.objects.values_list("source", flat=True))
    # Every end state the system may destroy from has a rule.
    targets = {t.target for t in SIGNAL_TRANSITIONS} - {SignalState.CASUS}  # a casus keeps its signals
    end_states = targets - {t.source for t in SIGNAL_TRANSITIONS}
    assert end_states == set(SIGNAL_RULES) == set(SignalRetentionRule.objects.values_list("state", flat=True))


# ----------------------------------------------------------------------------------- triggers


def test_a_protocol_end_state_sets_the_date_from_its_result_class(staff):
    sealed = geen_actie(staff, new_signal(staff))
    assert sealed.destroy_after == add_months(timezone.localdate(sealed.state_since), 12)
    rejected = niet_in_behandeling(staff, new_signal(staff))
    assert rejected.destroy_after == add_months(timezone.localdate(rejected.state_since), 12)
    forwarded = doorgezet_riec(staff, new_signal(staff))
    assert forwarded.destroy_after == add_months(timezone.localdate(forwarded.state_since), 60)
    open_signal = new_signal(staff)
    assert open_signal.destroy_after is None


def test_a_changed_term_recomputes_every_record_of_its_class(staff):
    signals = [niet_in_behandeling(staff, new_signal(staff)) for _ in range(3)]
    result_class = ResultClass.objects.get(code="signaal-niet-in-behandeling")
    result_class.term_months = 6
    result_class.save()
    for signal in signals:
        signal.refresh_from_db()
        assert signal.destroy_after == add_months(timezone.localdate(signal.state_since), 6)
    result_class.valuation = "blijvend_bewaren"
    result_class.save()
    assert not Signal.objects.filter(pk__in=[s.pk for s in signals], destroy_after__isnull=False).exists()


def test_a_changed_signal_rule_recomputes(staff):
    signal = niet_in_behandeling(staff, new_signal(staff))
    rule = SignalRetentionRule.objects.get(state="niet_in_behandeling")
    rule.result_class = ResultClass.objects.get(code="signaal-doorgezet")
    rule.save()
    signal.refresh_from_db()
    assert signal.destroy_after == add_months(timezone.localdate(signal.state_since), 60)


def test_closing_reopening_and_reclassifying_a_casus_recompute_it_and_its_signals(staff):
    casus = to_casus(staff, new_signal(staff))
    signal = casus.signal_links.get().signal
    assert casus.destroy_after is None and signal.destroy_after is None
    casus = close_casus(casus, "handhaving-uitgevoerd")
    signal.refresh_from_db()
    expected = add_months(timezone.localdate(casus.closed_at), 120)
    assert casus.destroy_after == expected and signal.destroy_after == expected
    casus.result_class = ResultClass.objects.get(code="toezicht-afgebroken")
    casus.save(update_fields=["result_class"])
    signal.refresh_from_db()
    assert casus.destroy_after == add_months(timezone.localdate(casus.closed_at), 12) == signal.destroy_after
    casus.closed_at = None
    casus.state = "voorbereiding"
    casus.save(update_fields=["closed_at", "state"])
    signal.refresh_from_db()
    assert Casus.objects.get(pk=casus.pk).destroy_after is None and signal.destroy_after is None


def test_a_legal_hold_blocks_and_lifting_it_restores_the_date(make_user, staff):
    archivaris = make_user("archivaris")
    signal = age(niet_in_behandeling(staff, new_signal(staff)), 400)
    original = signal.destroy_after
    assert original < timezone.localdate()
    hold = services.place_hold(archivaris, "signaal", signal.reference, "Bezwaar van betrokkene loopt nog.")
    signal.refresh_from_db()
    assert signal.destroy_after is None
    assert signal.pk not in {r.pk for r in selectors.due_records(timezone.localdate())}
    services.lift_hold(archivaris, hold)
    signal.refresh_from_db()
    assert signal.destroy_after == original
    until = timezone.localdate() + timedelta(days=40)
    services.place_hold(archivaris, "signaal", signal.reference, "Beroep bij de rechtbank loopt.", until=until)
    signal.refresh_from_db()
    assert signal.destroy_after == until + timedelta(days=1)
    assert ProcessingLogEntry.objects.filter(action="bewaarplicht_plaatsen", activity_code="vernietigen").count() == 2


def test_deleting_a_hold_restores_the_date(make_user, staff):
    signal = age(niet_in_behandeling(staff, new_signal(staff)), 400)
    original = signal.destroy_after
    hold = services.place_hold(make_user("archivaris"), "signaal", signal.reference, "Bezwaar van betrokkene loopt.")
    signal.refresh_from_db()
    assert signal.destroy_after is None
    hold.delete()  # e.g. a hold placed by mistake, removed in the admin
    signal.refresh_from_db()
    assert signal.destroy_after == original


def test_add_months_lives_in_one_place():
    from meldpunt.core import dates as core_dates
    from meldpunt.privacy.inzage import services as inzage

    assert dates.add_months is core_dates.add_months and inzage.add_months is core_dates.add_months


def test_holds_are_refused_without_role_reason_or_record(make_user, staff):
    signal = niet_in_behandeling(staff, new_signal(staff))
    with pytest.raises(services.NotAllowed):
        services.place_hold(make_user("fg"), "signaal", signal.reference, "Bezwaar van betrokkene loopt nog.")
    archivaris = make_user("archivaris")
    with pytest.raises(services.RetentionError, match="reden"):
        services.place_hold(archivaris, "signaal", signal.reference, "kort")
    with pytest.raises(services.RetentionError, match="kenmerk"):
        services.place_hold(archivaris, "signaal", "MO-0000-9999999", "Bezwaar van betrokkene loopt nog.")


def test_recompute_all_repairs_dates_and_is_idempotent(staff):
    signal = niet_in_behandeling(staff, new_signal(staff))
    Signal.objects.filter(pk=signal.pk).update(destroy_after=None)
    assert dates.recompute_all() >= 1
    signal.refresh_from_db()
    assert signal.destroy_after is not None
    assert dates.recompute_all() == 0


# ---------------------------------------------------------------------------------- watchlist


def test_watchlist_buckets(staff):
    overdue = age(niet_in_behandeling(staff, new_signal(staff)), 400)
    soon = age(niet_in_behandeling(staff, new_signal(staff)), 365 - 10)
    later = age(niet_in_behandeling(staff, new_signal(staff)), 365 - 25)
    far = niet_in_behandeling(staff, new_signal(staff))
    buckets = {b.key: b for b in selectors.watchlist()}
    refs = {key: {r.reference for r in bucket.rows} for key, bucket in buckets.items()}
    assert overdue.reference in refs["vervallen"]
    assert soon.reference in refs["binnen_15"]
    assert later.reference in refs["binnen_30"]
    assert far.reference not in set().union(*refs.values())
    assert all(bucket.count == len(bucket.rows) for bucket in buckets.values())


def test_watchlist_pages_show_metadata_only(client, make_user, staff):
    signal = age(niet_in_behandeling(staff, new_signal(staff, description="Geheime tekst over Jansen")), 400)
    archivaris, fg = make_user("archivaris"), make_user("fg")
    client.force_login(archivaris)
    page = client.get(reverse("web:bewaartermijnen")).content.decode()
    assert signal.reference in page and "Geheime tekst" not in page and "Lijst opstellen" in page
    client.force_login(fg)
    assert client.get(reverse("web:bewaartermijnen")).status_code == 403
    page = client.get(reverse("retention:inzien")).content.decode()
    assert signal.reference in page and "Lijst opstellen" not in page and "Opheffen" not in page
    client.force_login(make_user("beoordelaar"))
    assert client.get(reverse("retention:inzien")).status_code == 403


# ------------------------------------------------------------------------------- anonymisation


def test_contacts_are_anonymised_a_year_after_closure(staff):
    def with_contact(name):
        signal = new_signal(staff, reporter_kind="burger", channel="telefoon", contact_name=name,
                            contact_email=f"{name.lower()}@example.org", contact_phone="0612345678")
        return niet_in_behandeling(staff, signal)

    old = age(with_contact("Oudmelder"), 400)
    recent = age(with_contact("Nieuwmelder"), 100)
    still_open = new_signal(staff, reporter_kind="burger", channel="telefoon", contact_name="Openmelder")
    summary = jobs.run()
    contact = ReporterContact.objects.get(signal=old)
    assert (contact.name, contact.email, contact.phone) == ("", "", "") and contact.anonymised_at
    assert ReporterContact.objects.get(signal=recent).name == "Nieuwmelder"
    assert ReporterContact.objects.get(signal=still_open).name == "Openmelder"
    assert "geanonimiseerd: 1" in str(summary)
    assert ProcessingLogEntry.objects.filter(action="contactgegevens_anonimiseren").count() == 1
    assert "geanonimiseerd: 0" in str(jobs.run())


def test_contacts_of_a_closed_casus_are_anonymised_after_the_casus_closed(staff):
    signal = new_signal(staff, reporter_kind="burger", channel="telefoon", contact_name="Casusmelder")
    casus = to_casus(staff, signal)
    jobs.run()
    assert ReporterContact.objects.get(signal=signal).name == "Casusmelder"
    close_casus(casus, days_ago=400)
    jobs.run()
    assert ReporterContact.objects.get(signal=signal).anonymised_at is not None


# ------------------------------------------------------------------------------------ the job


def test_dry_run_changes_nothing_and_says_what_it_would_do(staff, capsys):
    signal = age(niet_in_behandeling(staff, new_signal(staff, reporter_kind="burger", channel="telefoon",
                                                      contact_name="Droogmelder")), 400)
    Signal.objects.filter(pk=signal.pk).update(destroy_after=None)
    call_command("retention", "run", "--dry-run")
    out = capsys.readouterr().out
    assert "proefrun" in out and "zouden wijzigen: 1" in out and "zouden worden geanonimiseerd: 1" in out
    signal.refresh_from_db()
    assert signal.destroy_after is None
    assert ReporterContact.objects.get(signal=signal).name == "Droogmelder"
    call_command("retention", "run")
    out = capsys.readouterr().out
    assert "herberekend: 1 gewijzigd" in out and "geanonimiseerd: 1" in out
    assert "verstreken bewaartermijn die nog op geen lijst staan" in out
    call_command("retention", "run")
    assert "herberekend: 0 gewijzigd" in capsys.readouterr().out


def test_the_job_prunes_the_security_log(monkeypatch, staff):
    from meldpunt.privacy import security

    calls = []
    monkeypatch.setattr(security, "prune_security_log", lambda dry_run=False: calls.append(dry_run) or 3)
    assert "3 oude regels zouden worden verwijderd" in str(jobs.run(dry_run=True))
    assert "opgeschoond: 3 oude regels verwijderd" in str(jobs.run())
    assert calls == [True, False]


def test_a_broken_security_chain_is_reported_and_fails_the_run(monkeypatch, staff, capsys):
    """BIO 12.4.2/04: tampering is an incident. The job keeps every line, does the rest, and fails."""
    from django.core.management.base import CommandError

    from meldpunt.privacy import security

    def broken(dry_run=False):
        raise security.SecurityLogError("de keten klopt niet bij regel 12")

    monkeypatch.setattr(security, "prune_security_log", broken)
    summary = jobs.run()
    assert summary.failed and "LET OP" in str(summary) and "regel 12" in str(summary)
    with pytest.raises(CommandError):
        call_command("retention", "run")
    assert "niet opgeschoond" in capsys.readouterr().out


def test_weging_inputs_keep_dates_in_step(staff):
    """A new weging alone changes nothing; the transition it is used for does."""
    signal = new_signal(staff)
    protocol.record_weging(staff, signal, weging("W1", "nee"))
    signal.refresh_from_db()
    assert signal.destroy_after is None
    protocol.transition(staff, signal, "intake_afwijzen")
    signal.refresh_from_db()
    assert signal.destroy_after is not None
