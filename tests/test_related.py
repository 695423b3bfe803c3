"""Related items (registries/related.py): need to know (P1) for every role, the two hops on the
demo municipality, registry names only when the rule allows, the log lines (P2) and a bounded
number of queries."""

import itertools

import pytest
from django.db import transaction
from django.db.models import Q
from django.test import Client
from django.utils import timezone

from meldpunt import policy
from meldpunt.accounts.roles import Role
from meldpunt.cases.models import Casus, CasusSignal
from meldpunt.core.keys import pseudonymise
from meldpunt.intake.models import MentionedSubject, Phenomenon, Signal
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.registries import related
from meldpunt.registries.models import Functionaris, Onderneming, Persoon, Verblijfplaats, Vestiging

pytestmark = pytest.mark.django_db
numbers = itertools.count(1)
# Every state a signal can be in that some role works on, and one that belongs to a casus.
ALL_GROUPS = frozenset(policy.RELATED_GROUP_FIELDS)
OTHER_STATES = ["ontvangen", "zwaarte", "bronnenonderzoek", "geen_actie", "niet_in_behandeling",
                "doorgezet_riec", "afdeling_regie", "casus"]


def _now_active(rows):
    today = timezone.localdate()
    return [r for r in rows if r.datum_aanvang <= today and (r.datum_einde is None or r.datum_einde > today)]


def expected_hops(address_id: str) -> dict[str, set[int]]:
    """The two hops written out in plain Python over the registry rows, independent of the selector."""
    residents = {r.persoon_id for r in _now_active(Verblijfplaats.objects.filter(adres_id=address_id))}
    companies = {v.onderneming_id for v in _now_active(Vestiging.objects.filter(adres_id=address_id))}
    functions = _now_active(Functionaris.objects.all())
    directors = {f.persoon_id for f in functions if f.onderneming_id in companies}
    others = {f.onderneming_id for f in functions if f.persoon_id in directors} - companies
    return {"persons": residents, "companies": companies, "directors": directors, "other_companies": others}


def two_hop_address() -> str:
    """A demo address with residents and a company whose director also directs another company."""
    for address_id in (Vestiging.objects.filter(datum_einde__isnull=True).order_by("adres_id")
                       .values_list("adres_id", flat=True).distinct()):
        hops = expected_hops(address_id)
        if hops["persons"] and hops["other_companies"]:
            return address_id
    pytest.fail("De demogemeente heeft geen adres met twee stappen (onderneming → bestuurder → onderneming).")


def new_signal(state, address_id=None, **extra) -> Signal:
    n = next(numbers)
    return Signal.objects.create(
        reference=f"MO-2098-{n:07d}", received_at=timezone.now(), channel="intern",
        phenomenon=Phenomenon.objects.order_by("code").first(), description=f"Waarneming {n}", state=state,
        state_since=timezone.now(), deadline=timezone.localdate(), address_id=address_id, **extra)


@pytest.fixture(scope="module")
def address(django_db_blocker):
    with django_db_blocker.unblock():
        return two_hop_address()


def build_world(address_id, user, involved: bool, lead):
    """This signal at the address; one other signal per state, found through the address, a BSN, a
    KvK-nummer or a kenteken; a casus holding the 'casus' one. With involvement the user reported
    and is assigned every signal and leads the casus; without, someone else leads it."""
    mine = {"assigned_to": user, "reported_by": user} if involved else {}
    this = new_signal("ontvangen", address_id, **mine)
    MentionedSubject.objects.create(signal=this, kind="persoon", name="Genoemd", bsn="111222333")
    MentionedSubject.objects.create(signal=this, kind="voertuig", kenteken="XX-99-ZZ")
    others = []
    for i, state in enumerate(OTHER_STATES):
        key = i % 3
        other = new_signal(state, address_id if key == 0 else None, **mine)
        if key == 1:
            MentionedSubject.objects.create(signal=other, kind="persoon", bsn="111222333")
        elif key == 2:
            MentionedSubject.objects.create(signal=other, kind="voertuig", kenteken="XX-99-ZZ")
        others.append(other)
    unrelated = new_signal("ontvangen", None, **mine)
    casus = Casus.objects.create(reference=f"CA-2098-{next(numbers):05d}", title="Verwante casus",
                                 opened_at=timezone.now(), lead=user if involved else lead, state="voorbereiding")
    if involved:
        casus.team.add(user)
    CasusSignal.objects.create(casus=casus, signal=others[-1], linked_at=timezone.now())
    return this, others, unrelated, casus


def assert_nothing(result):
    assert not result.allowed
    assert result.signals == [] and result.casussen == [] and not result.has_registry


def test_related_items_respect_p1_for_every_role(make_user, address):
    """For each of the 13 roles, with and without involvement: nothing appears that the user could
    not open (signal and casus pages answer 200 for every link), and registry names stay hidden."""
    assert len(Role.values) == 13
    lead = make_user(Role.REGISSEUR)
    residents = Persoon.objects.filter(pk__in=expected_hops(address)["persons"])
    for role, involved in itertools.product(Role.values, (False, True)):
        with transaction.atomic():
            Signal.objects.update(state="buiten_beeld_test", assigned_to=None)  # the demo signals out of sight
            user = make_user(role)
            this, others, unrelated, casus = build_world(address, user, involved, lead)
            result = related.related_for_signal(user, this)
            sees_page = policy.may_open(user, "signaal") and policy.may_read_signal(user, this)
            label = f"{role} {'met' if involved else 'zonder'} betrokkenheid"
            if not sees_page:
                assert_nothing(result)
                assert_nothing(related.related_for_address(user, address))
                transaction.set_rollback(True)
                continue
            may_read = {s.reference for s in others if policy.may_read_signal(user, s)}
            assert {s.reference for s in result.signals} == may_read, label
            assert unrelated not in result.signals and this not in result.signals
            assert set(result.casussen) == set(policy.cases_visible_to(user, Casus.objects.filter(pk=casus.pk)))
            assert result.persons.count == residents.count() and result.persons.items == [], label
            assert all(not g.items for g in (result.companies, result.directors, result.other_companies)), label
            client = Client()
            client.force_login(user)
            for signal in result.signals:
                assert client.get(f"/signalen/{signal.reference}/").status_code == 200, label
            for shown in result.casussen:
                assert client.get(f"/casussen/{shown.reference}/").status_code == 200, label
            html = client.get(f"/signalen/{this.reference}/").content.decode()
            n = residents.count()
            assert "Gerelateerd" in html and f"{n} {'persoon' if n == 1 else 'personen'} nu ingeschreven" in html
            for other in set(others) - set(result.signals):
                assert other.reference not in html, label
            for person in residents:
                assert person.naam not in html, label
            transaction.set_rollback(True)


def test_two_hops_on_the_demo_municipality_with_names_when_the_rule_allows(make_user, address, monkeypatch):
    monkeypatch.setattr(policy, "related_identity_groups", lambda user, signal: ALL_GROUPS)
    user = make_user(Role.BEOORDELAAR)
    this = new_signal("ontvangen", address)
    result = related.related_for_signal(user, this)
    expected = expected_hops(address)
    assert expected["directors"] and expected["other_companies"]
    assert result.named_groups == ALL_GROUPS and not result.names_withheld
    for name in ("persons", "companies", "directors", "other_companies"):
        group = getattr(result, name)
        assert group.count == len(expected[name]), name
        assert {item.pk for item in group.items} <= expected[name], name
        assert len(group.items) == min(len(expected[name]), related.GROUP_LIMIT), name
    # One log line per person and company shown by name, under its pseudonym (P2).
    lines = ProcessingLogEntry.objects.filter(action="gerelateerd_inzien", activity_code="gerelateerd",
                                              object_id=str(this.pk))
    shown_bsn = {p.bsn for p in result.persons.items + result.directors.items}
    shown_kvk = {c.kvk_nummer for c in result.companies.items + result.other_companies.items}
    assert {(line.subject_type, line.subject_pseudonym) for line in lines} == (
        {("bsn", pseudonymise("bsn", b)) for b in shown_bsn} | {("kvk", pseudonymise("kvk", k)) for k in shown_kvk})
    assert all(line.user_id == user.pk for line in lines)
    html_client = Client()
    html_client.force_login(user)
    html = html_client.get(f"/signalen/{this.reference}/").content.decode()
    assert result.other_companies.items[0].naam.replace("&", "&amp;") in html


def test_counts_only_write_a_line_for_the_address_and_the_signals_found(make_user, address):
    user = make_user(Role.BEOORDELAAR)
    this = new_signal("ontvangen", address)
    other = new_signal("ontvangen", address)
    result = related.related_for_signal(user, this)
    assert other in result.signals and result.names_withheld and result.directors.count > 0
    lines = ProcessingLogEntry.objects.filter(activity_code="gerelateerd", object_id=str(this.pk))
    assert {(line.action, line.subject_type) for line in lines} == {
        ("gerelateerd_tellen", "bag"), ("gerelateerd_signalen", "bag")}
    assert {line.subject_pseudonym for line in lines} == {pseudonymise("bag", address)}
    assert not lines.filter(subject_type__in=["bsn", "kvk"]).exists()


def test_a_subject_and_an_address_only_for_someone_who_may_read_a_signal_on_it(make_user, address):
    beoordelaar, melder = make_user(Role.BEOORDELAAR), make_user(Role.MELDER_INTERN)
    company = Onderneming.objects.filter(pk__in=expected_hops(address)["companies"]).first()
    signal = new_signal("zwaarte")  # not in the beoordelaar's step
    mention = MentionedSubject.objects.create(signal=signal, kind="onderneming", kvk_nummer=company.kvk_nummer)
    assert_nothing(related.related_for_subject(beoordelaar, mention))
    assert_nothing(related.related_for_address(beoordelaar, address))
    new_signal("ontvangen", None).subjects.create(kind="adres", address_id=address)
    assert related.related_for_address(beoordelaar, address).persons.count > 0
    assert_nothing(related.related_for_address(melder, address))
    signal.state = "ontvangen"
    signal.save(update_fields=["state"])
    found = related.related_for_subject(beoordelaar, mention)
    assert found.companies.count == 1  # the company named by its KvK-nummer
    assert found.directors.count == Functionaris.objects.filter(
        Q(datum_einde__isnull=True) | Q(datum_einde__gt=timezone.localdate()), onderneming=company,
        datum_aanvang__lte=timezone.localdate()).values("persoon").distinct().count()


def test_the_number_of_queries_does_not_grow_with_the_related_items(make_user, address, monkeypatch):
    """A fixed handful of queries (no query per row): 2 or 30 related signals, names or not, the same."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(policy, "related_identity_groups", lambda user, signal: ALL_GROUPS)
    user = make_user(Role.REGISSEUR)
    this = new_signal("ontvangen", address)
    new_signal("zwaarte", address)
    related.related_for_signal(user, this)  # warm: the user's roles, the register entry
    counts = []
    for extra in (1, related.GROUP_LIMIT + 5, 20):
        for _ in range(extra):
            new_signal("zwaarte", address)
        with CaptureQueriesContext(connection) as queries:
            result = related.related_for_signal(user, this)
        counts.append(len(queries))
    # A full list adds one count query ("en N meer") and one read of the ids whose casussen are
    # looked up (below the limit the signals already read are all of them, issue 17); beyond that
    # nothing grows. The ceiling counts the register versions read for each log line, of the
    # activity and of the subject type (ADR 0025: no stale per-process cache).
    assert counts[0] + 2 == counts[1] == counts[2] <= 34, counts
    assert len(result.signals) == related.GROUP_LIMIT and result.signals_more == 27


def approve_details(signal, mention, user, source_code: str, fields: list[str]):
    from meldpunt.protocol.research.models import DetailRequest, HitResult, Source, SourceRequest

    request = SourceRequest.objects.create(signal=signal, source=Source.objects.get(code=source_code),
                                           purpose="Onderzoek", requested_by=user, requested_at=timezone.now(),
                                           state="toegestaan")
    hit = HitResult.objects.create(request=request, subject=mention, hit=True)
    return DetailRequest.objects.create(hit=hit, fields=fields, purpose="Wie woont er", requested_by=user,
                                        requested_at=timezone.now(), state="toegestaan", approved_fields=fields)


def test_approved_details_open_only_the_names_of_their_group(make_user, address):
    """An approved BRP request for the residents of the address (PC1) names the residents, for the
    person who asked it; companies and directors stay counts, and nobody else sees the names."""
    regisseur, colleague = make_user(Role.REGISSEUR), make_user(Role.REGISSEUR)
    this = new_signal("bronnenonderzoek", address, assigned_to=regisseur)
    mention = MentionedSubject.objects.create(signal=this, kind="adres", address_id=address)
    approve_details(this, mention, regisseur, "BRP", ["ingeschrevenen.burgerservicenummer"])
    result = related.related_for_signal(regisseur, this)
    assert result.named_groups == {"persons"}
    assert {p.pk for p in result.persons.items} == expected_hops(address)["persons"]
    assert result.companies.items == [] and result.directors.items == [] and result.names_withheld
    assert ProcessingLogEntry.objects.filter(action="gerelateerd_inzien", user_id=regisseur.pk).count() == len(
        result.persons.items)
    other_view = related.related_for_signal(colleague, this)
    assert other_view.allowed and other_view.named_groups == frozenset() and other_view.persons.items == []


def test_only_the_signal_page_reads_and_logs_related_items(make_user, address):
    """The step pages show no related items, so they write no 'gerelateerd' log lines (P2)."""
    user = make_user(Role.BEOORDELAAR)
    this = new_signal("ontvangen", address)
    new_signal("ontvangen", address)
    client = Client()
    client.force_login(user)
    assert client.get(f"/signalen/{this.reference}/stap-1/").status_code == 200
    assert not ProcessingLogEntry.objects.filter(activity_code="gerelateerd", object_id=str(this.pk)).exists()
    assert "Gerelateerd" in client.get(f"/signalen/{this.reference}/").content.decode()
    assert ProcessingLogEntry.objects.filter(activity_code="gerelateerd", object_id=str(this.pk)).exists()
