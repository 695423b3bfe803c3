"""Attack P1/P9: refused access must leave a trace (BIO 12.4.1), without flooding the log.

An attacker with a login guesses ids on pages and in the API, opens pages their role may not
open, tries invalid and revoked partner tokens, and crawls hundreds of guessed ids. Each refusal
must be a security event (who, what object, which rule, when, from where), a crawler must write a
bounded number of lines, the FG must find them, the console must not fill with tracebacks, and an
anonymous API call must be told to log in (401 with a challenge), not "forbidden".
"""

import io
import json
import logging

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from meldpunt.accounts.roles import Role
from meldpunt.intake import services as intake
from meldpunt.intake.models import PartnerOrganisation
from meldpunt.privacy import refusals
from meldpunt.privacy.models import LogChainHead, SecurityLogEntry, SecurityResult

pytestmark = [pytest.mark.attack, pytest.mark.django_db]

API = "/api/v1"
ADDRESS = "198.51.100.44"
NOWHERE = "MO-2099-0099999"  # a well-formed reference that exists nowhere


@pytest.fixture(autouse=True)
def clean_counters():
    cache.clear()  # the per-actor refusal counters live in the cache
    yield
    cache.clear()


def last_seq() -> int:
    head = LogChainHead.objects.filter(chain="beveiliging").first()
    return head.last_seq if head else 0


def refusals_since(seq):
    return list(SecurityLogEntry.objects.filter(seq__gt=seq, event="toegang_geweigerd").order_by("seq"))


def new_signal():
    # A fresh signal in step 1 ('ontvangen'): a teamlid has no involvement with it (P1).
    return intake.create_signal(intake.SignalInput(
        channel="intern", reporter_kind="medewerker", phenomenon="hennepteelt_drugs",
        description="Sterke wietlucht bij de woning, ramen afgeplakt."))


def test_guessed_ids_on_pages_are_security_events_with_user_object_and_rule(client, make_user):
    teamlid = make_user(Role.TEAMLID)
    hidden = new_signal()
    client.force_login(teamlid)
    start = last_seq()
    for reference in (hidden.reference, NOWHERE):
        response = client.get(reverse("protocol:signaal", args=[reference]), REMOTE_ADDR=ADDRESS)
        assert response.status_code == 404  # the same answer for hidden and absent
    hidden_line, absent_line = refusals_since(start)
    for line, reference in ((hidden_line, hidden.reference), (absent_line, NOWHERE)):
        assert (line.user_id, line.username, line.roles) == (teamlid.pk, teamlid.username, "teamlid")
        assert line.result == SecurityResult.FAILURE
        assert (line.object_type, line.object_id) == ("signalen", reference)
        assert "regel: signaal" in line.detail and "404" in line.detail
        assert line.ip_address == ADDRESS and len(line.trace_id) == 32
    # The log does not reveal to its reader which of the two exists either: the same words.
    assert hidden_line.detail == absent_line.detail


def test_a_page_the_role_may_not_open_is_a_security_event_with_its_rule(client, make_user):
    analist = make_user(Role.ANALIST)
    client.force_login(analist)
    start = last_seq()
    assert client.get(reverse("privacy:beveiligingslog"), REMOTE_ADDR=ADDRESS).status_code == 403
    (line,) = refusals_since(start)
    assert line.user_id == analist.pk and line.object_type == "toezicht"
    assert "HTTP 403" in line.detail and "regel: toezicht" in line.detail
    assert "geen rol" in line.detail


def test_guessed_ids_and_refused_resources_in_the_api_are_security_events(client, make_user):
    teamlid, analist = make_user(Role.TEAMLID), make_user(Role.ANALIST)
    hidden = new_signal()
    client.force_login(teamlid)
    start = last_seq()
    assert client.get(f"{API}/signalen/{hidden.reference}").status_code == 404
    assert client.get(f"{API}/signalen/{NOWHERE}").status_code == 404
    client.force_login(analist)
    assert client.get(f"{API}/signalen").status_code == 403
    guessed_hidden, guessed_absent, listing = refusals_since(start)
    assert (guessed_hidden.user_id, guessed_hidden.object_type, guessed_hidden.object_id) == (
        teamlid.pk, "signalen", hidden.reference)
    assert guessed_absent.object_id == NOWHERE
    assert "regel: signaal" in guessed_hidden.detail and "HTTP 404" in guessed_hidden.detail
    assert (listing.user_id, listing.object_type) == (analist.pk, "signalen")
    assert "HTTP 403" in listing.detail and "regel: signaal, mijn meldingen" in listing.detail


def test_invalid_and_revoked_partner_tokens_are_security_events(client):
    out = io.StringIO()
    call_command("partner_token", "Woningcorporatie Weigering", stdout=out, stderr=io.StringIO())
    token = out.getvalue().strip()
    partner = PartnerOrganisation.objects.get(name="Woningcorporatie Weigering")

    def post(bearer):
        return client.post(f"{API}/partner/signalen", data=json.dumps({"omschrijving": "x"}),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {bearer}",
                           REMOTE_ADDR=ADDRESS)

    start = last_seq()
    assert post("geraden-token-123").status_code == 401
    call_command("partner_token", "Woningcorporatie Weigering", "--intrekken", stdout=io.StringIO())
    assert post(token).status_code == 401
    invalid, revoked = refusals_since(start)
    assert "onbekend partnertoken" in invalid.detail and invalid.ip_address == ADDRESS
    assert "HTTP 401" in invalid.detail and invalid.object_type == "partner"
    assert "ingetrokken partnertoken van Woningcorporatie Weigering" in revoked.detail
    assert (revoked.object_type, revoked.object_id) == ("intake.partnerorganisation", str(partner.pk))
    # BIO 12.4.1/02: never the token itself.
    for line in (invalid, revoked):
        assert token not in line.detail and "geraden-token-123" not in line.detail


def test_a_crawler_of_500_guessed_ids_writes_a_bounded_number_of_lines(client, make_user, settings,
                                                                        monkeypatch):
    settings.MELDPUNT_REFUSAL_LOG_PER_MINUTE = limit = 10
    minute = {"now": 29_000_000}
    monkeypatch.setattr(refusals, "_minute", lambda: minute["now"])
    crawler = make_user(Role.TEAMLID)
    client.force_login(crawler)
    start = last_seq()
    for number in range(500):
        assert client.get(f"{API}/signalen/MO-2099-{number:07d}").status_code == 404
    lines = refusals_since(start)
    # The first `limit` refusals one line each, then one line that says the rest is being counted.
    assert len(lines) == limit + 1
    assert all(line.user_id == crawler.pk for line in lines)
    assert "meer dan 10 weigeringen binnen een minuut" in lines[-1].detail
    # The next minute, the first refusal first writes the sum of what was not written line by line.
    minute["now"] += 1
    assert client.get(f"{API}/signalen/MO-2099-9999999").status_code == 404
    summary, guessed = refusals_since(lines[-1].seq)
    assert "… en nog 490 weigeringen" in summary.detail
    assert guessed.object_id == "MO-2099-9999999"
    # Another user is counted on their own: the crawler does not silence the log for others.
    other = make_user(Role.TEAMLID)
    client.force_login(other)
    minute["now"] -= 1
    before = last_seq()
    assert client.get(f"{API}/signalen/{NOWHERE}").status_code == 404
    (line,) = refusals_since(before)
    assert line.user_id == other.pk and line.object_id == NOWHERE


def test_the_fg_filters_the_security_log_on_refused_access(client, make_user):
    intruder, fg = make_user(Role.TEAMLID), make_user(Role.FG)
    client.force_login(intruder)
    client.get(f"{API}/signalen/{NOWHERE}")
    client.force_login(fg)
    page = client.get(reverse("privacy:beveiligingslog"))
    html = page.content.decode()
    assert '<option value="toegang_geweigerd">Geweigerde toegang</option>' in html
    assert "?gebeurtenis=toegang_geweigerd" in html
    filtered = client.get(reverse("privacy:beveiligingslog"), {"gebeurtenis": "toegang_geweigerd"})
    assert filtered.status_code == 200
    lines = filtered.context["lines"]
    assert lines and all(line.event == "toegang_geweigerd" for line in lines)
    assert any(line.user_id == intruder.pk and line.object_id == NOWHERE for line in lines)
    text = filtered.content.decode()
    assert "Geweigerde toegang" in text and intruder.username in text and NOWHERE in text
    export = client.get(reverse("privacy:beveiligingslog_export"), {"gebeurtenis": "toegang_geweigerd"})
    assert NOWHERE in b"".join(export.streaming_content if export.streaming else [export.content]).decode()


def test_refusals_print_no_traceback_on_the_console(client, make_user, caplog):
    analist, teamlid = make_user(Role.ANALIST), make_user(Role.TEAMLID)
    caplog.set_level(logging.DEBUG)
    client.force_login(analist)
    assert client.get(reverse("privacy:beveiligingslog")).status_code == 403
    assert client.get(f"{API}/signalen").status_code == 403
    client.force_login(teamlid)
    assert client.get(reverse("protocol:signaal", args=[NOWHERE])).status_code == 404
    assert caplog.records, "the refusals were logged at all"
    for record in caplog.records:
        assert record.exc_info is None, record.getMessage()
        assert "Traceback" not in record.getMessage()
    assert "Traceback" not in caplog.text


def test_anonymous_api_call_gets_401_with_www_authenticate_in_dutch(client):
    start = last_seq()
    for url in (f"{API}/signalen", f"{API}/signalen/{NOWHERE}", f"{API}/casussen", f"{API}/ik"):
        response = client.get(url, REMOTE_ADDR=ADDRESS)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == 'Session realm="meldpunt-api"'
        assert response["Content-Type"] == "application/problem+json"
        body = response.json()
        assert (body["status"], body["title"]) == (401, "Niet ingelogd")
        assert body["detail"] == "Log in om de API te gebruiken."
    partner = client.post(f"{API}/partner/signalen", data="{}", content_type="application/json")
    assert partner.status_code == 401 and partner["WWW-Authenticate"].startswith("Bearer")
    lines = refusals_since(start)
    assert len(lines) == 5 and all(line.ip_address == ADDRESS for line in lines[:4])
    assert all(line.user_id is None and "HTTP 401" in line.detail for line in lines)


# ------------------------------------------------------------ review findings (issue 13, round 2)


def _burst(client, settings, monkeypatch, count=25):
    settings.MELDPUNT_REFUSAL_LOG_PER_MINUTE = 10
    minute = {"now": 29_100_000}
    monkeypatch.setattr(refusals, "_minute", lambda: minute["now"])
    for number in range(count):
        assert client.get(f"{API}/signalen/MO-2099-{number:07d}", REMOTE_ADDR=ADDRESS).status_code == 404
    return minute


def test_a_crawler_that_stops_still_gets_its_count_written_by_the_next_refusal_of_anyone(
        client, make_user, settings, monkeypatch):
    crawler, other = make_user(Role.TEAMLID), make_user(Role.TEAMLID)
    client.force_login(crawler)
    minute = _burst(client, settings, monkeypatch)
    start = last_seq()
    # The crawler stops. A minute later someone else is refused once.
    minute["now"] += 1
    client.force_login(other)
    assert client.get(f"{API}/signalen/{NOWHERE}").status_code == 404
    summary, own = refusals_since(start)
    assert summary.user_id == crawler.pk and "… en nog 15 weigeringen" in summary.detail
    assert summary.ip_address == ADDRESS  # where the counted refusals came from
    assert own.user_id == other.pk and own.object_id == NOWHERE
    # Written once: the crawler's own next refusal does not repeat it.
    client.force_login(crawler)
    after = last_seq()
    assert client.get(f"{API}/signalen/{NOWHERE}").status_code == 404
    (line,) = refusals_since(after)
    assert "en nog" not in line.detail


def test_a_crawler_that_stops_gets_its_count_written_by_the_daily_job(client, make_user, settings, monkeypatch):
    from meldpunt.privacy.retention import jobs

    client.force_login(make_user(Role.TEAMLID))
    minute = _burst(client, settings, monkeypatch, count=30)
    client.logout()
    start = last_seq()
    # Nobody is refused any more; the daily retention run writes what was counted.
    minute["now"] += 60 * 20
    summary = jobs.run()
    (line,) = refusals_since(start)
    assert "… en nog 20 weigeringen" in line.detail and line.ip_address == ADDRESS
    assert "samenvatting(en) van getelde weigeringen" in str(summary)
    assert refusals.flush_pending_refusals() == 0  # written once


BSN = "999993653"  # a (test) BSN typed where a reference belongs


def test_a_bsn_typed_into_the_address_does_not_reach_the_security_log(client, make_user):
    teamlid = make_user(Role.TEAMLID)
    client.force_login(teamlid)
    start = last_seq()
    assert client.get(f"/signalen/{BSN}/").status_code == 404
    assert client.get(f"/casussen/{BSN}/").status_code == 404
    assert client.get(f"/casusoverleggen/{BSN}/").status_code in (403, 404)  # role or record: refused
    assert client.get("/inzageverzoeken/Jan Jansen/").status_code in (403, 404)
    assert client.get(f"{API}/signalen/{NOWHERE}").status_code == 404
    lines = refusals_since(start)
    assert [line.object_type for line in lines] == ["signalen", "casussen", "casusoverleggen", "inzageverzoeken",
                                                    "signalen"]
    for line in lines[:4]:
        assert line.object_id == "ongeldig kenmerk"
    for line in lines:
        assert BSN not in f"{line.object_id} {line.detail}" and "Jansen" not in f"{line.object_id} {line.detail}"
    # Ids of the right form are still logged as asked for.
    assert lines[-1].object_id == NOWHERE
    assert refusals.valid_id("signalen", "MO-2026-0000012") and refusals.valid_id("casussen", "CA-2026-00001")
    assert refusals.valid_id("casusoverleggen", "12") and not refusals.valid_id("signalen", "CA-2026-00001")


def test_an_anonymous_ipv6_crawler_is_counted_per_64(client, settings, monkeypatch):
    settings.MELDPUNT_REFUSAL_LOG_PER_MINUTE = 5
    monkeypatch.setattr(refusals, "_minute", lambda: 29_200_000)  # all within one minute
    start = last_seq()
    # A new address of the same /64 for every call does not give a new allowance of lines.
    for i in range(30):
        assert client.get(f"{API}/signalen/{NOWHERE}", REMOTE_ADDR=f"2001:db8:5:6::{i + 1:x}").status_code == 401
    assert len(refusals_since(start)) == 5 + 1
