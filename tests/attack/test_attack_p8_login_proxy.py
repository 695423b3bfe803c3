"""Attack P8 (and BIO 12.4.1) behind a TLS proxy: one proxy must not mean one lock.

Behind a proxy every request comes from the proxy's address. Keyed on that, five typos of one
user locked out the whole organisation, a colleague's correct login was refused and logged as a
wrong password, and the public form's limit applied to the whole city. Outside the proxy, an
attacker writes any X-Forwarded-For they like. These tests play both: the real client must be
found through the trusted proxies only, and the lock-out must hit the one who guesses.
"""

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client, RequestFactory

from meldpunt.accounts.roles import Role
from meldpunt.core.clientip import client_ip
from meldpunt.intake.models import Signal
from meldpunt.privacy.models import LogChainHead, SecurityEvent, SecurityLogEntry

pytestmark = [pytest.mark.attack, pytest.mark.django_db]

PASSWORD = "een-lang-wachtwoord-voor-tests"
WRONG = "fout-wachtwoord-123"
PROXY = "10.0.0.1"
INNER_PROXY = "10.0.0.9"  # a second proxy in a row (a load balancer in front of the TLS proxy)
OFFICE = "198.51.100.10"  # one client behind the proxy (e.g. the town hall's NAT)
HOME = "198.51.100.77"  # another client behind the proxy
OUTSIDE = "203.0.113.7"  # reaches the app directly, not through the proxy


@pytest.fixture(autouse=True)
def behind_a_proxy(settings):
    # The proxies' own addresses, never a client range (docs/adr/0020); one proxy in a row.
    settings.MELDPUNT_TRUSTED_PROXIES = [PROXY, INNER_PROXY]
    settings.MELDPUNT_TRUSTED_PROXY_HOPS = 1
    cache.clear()
    yield
    cache.clear()


def via_proxy(client_address: str, **extra) -> dict:
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_address, **extra}


def login(client, username, password=PASSWORD, **meta):
    return client.post("/inloggen/", {"username": username, "password": password}, **meta)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def last_seq() -> int:
    head = LogChainHead.objects.filter(chain="beveiliging").first()
    return head.last_seq if head else 0


def lines_since(seq):
    return list(SecurityLogEntry.objects.filter(seq__gt=seq).order_by("seq"))


def test_spoofed_forwarded_for_from_an_untrusted_address_is_ignored(make_user, settings):
    factory = RequestFactory()
    # Only through trusted hops: the entry the proxy appended is the client, never one further left.
    assert client_ip(factory.get("/", **via_proxy("6.6.6.6, 198.51.100.10"))) == OFFICE
    # Two proxies in a row: two hops, the inner proxy skipped, the client behind it.
    settings.MELDPUNT_TRUSTED_PROXY_HOPS = 2
    assert client_ip(factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.10, 10.0.0.9")) \
        == OFFICE
    settings.MELDPUNT_TRUSTED_PROXY_HOPS = 1
    assert client_ip(factory.get("/", REMOTE_ADDR=OUTSIDE, HTTP_X_FORWARDED_FOR=OFFICE)) == OUTSIDE
    assert client_ip(factory.get("/", **via_proxy("geen-adres"))) == PROXY  # garbage is not a client
    settings.MELDPUNT_TRUSTED_PROXIES = []
    assert client_ip(factory.get("/", **via_proxy(OFFICE))) == PROXY  # no proxies configured: header ignored
    settings.MELDPUNT_TRUSTED_PROXIES = [PROXY, INNER_PROXY]

    # An attacker outside rotates X-Forwarded-For to dodge the lock-out and to blame others.
    victim = make_user(Role.ANALIST)
    start = last_seq()
    for i in range(settings.AXES_FAILURE_LIMIT):
        login(Client(), victim.username, WRONG, REMOTE_ADDR=OUTSIDE, HTTP_X_FORWARDED_FOR=f"192.0.2.{i + 1}")
    lines = lines_since(start)
    assert lines and {line.ip_address for line in lines} == {OUTSIDE}
    assert set(AccessAttempt.objects.filter(username=victim.username).values_list("ip_address", flat=True)) == {
        OUTSIDE}
    response = login(Client(), victim.username, REMOTE_ADDR=OUTSIDE, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert "Account tijdelijk geblokkeerd" in response.content.decode()


def test_typos_of_one_user_do_not_lock_out_colleagues_behind_the_proxy(make_user, settings):
    typist, colleague, other = make_user(Role.ANALIST), make_user(Role.BEOORDELAAR), make_user(Role.FG)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(Client(), typist.username, WRONG, **via_proxy(OFFICE))
    # The typist is blocked, wherever they try from.
    blocked = login(Client(), typist.username, **via_proxy(HOME))
    assert "Account tijdelijk geblokkeerd" in blocked.content.decode()
    # A colleague at the same desk (same client address) and one elsewhere log in normally.
    same_desk, elsewhere = Client(), Client()
    assert login(same_desk, colleague.username, **via_proxy(OFFICE)).status_code == 302
    assert login(elsewhere, other.username, **via_proxy(HOME)).status_code == 302
    assert logged_in(same_desk) and logged_in(elsewhere)


def test_a_refused_login_during_a_lock_is_not_logged_as_a_wrong_password(make_user, settings):
    user = make_user(Role.ANALIST)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(Client(), user.username, WRONG, **via_proxy(OFFICE))
    start = last_seq()
    response = login(Client(), user.username, **via_proxy(OFFICE))  # the right password, during the lock
    assert response.status_code == 429
    lines = lines_since(start)
    assert [line.event for line in lines] == [SecurityEvent.LOCKED_OUT]
    assert "wachtwoord niet gecontroleerd" in lines[0].detail
    assert "onjuiste gebruikersnaam of wachtwoord" not in " ".join(line.detail for line in lines)


def test_the_public_throttle_counts_per_real_client_behind_the_proxy(settings):
    settings.MELDPUNT_PUBLIC_RATE = "2/hour"
    data = {"phenomenon": "overig", "description": "Een goede omschrijving van wat er gebeurt.", "anonymous": "ja"}
    before = Signal.objects.count()
    client = Client()
    statuses = [client.post("/melden/", data, **via_proxy(OFFICE)).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    # Someone else in the city, through the same proxy, can still report.
    assert Client().post("/melden/", data, **via_proxy(HOME)).status_code == 302
    # A sender outside the proxy cannot reset their count with a made-up header.
    outside = [Client().post("/melden/", data, REMOTE_ADDR=OUTSIDE, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}").status_code
               for i in range(3)]
    assert outside == [302, 302, 429]
    assert Signal.objects.count() == before + 5
    # P5: no address of a sender in a cache key.
    assert all(OFFICE not in str(key) and HOME not in str(key) for key in getattr(cache, "_cache", {}))


def test_many_user_names_from_one_address_are_blocked_per_address_with_a_neutral_message(make_user, settings):
    settings.MELDPUNT_LOGIN_ADDRESS_LIMIT = 8
    real, elsewhere_user = make_user(Role.ANALIST), make_user(Role.BEOORDELAAR)
    start = last_seq()
    for i in range(8):
        login(Client(), f"geraden-naam-{i}", WRONG, **via_proxy(OUTSIDE))
    # From that address even a real user with the right password waits: someone there tries names.
    client = Client()
    response = login(client, real.username, **via_proxy(OUTSIDE))
    html = response.content.decode()
    assert response.status_code == 429 and not logged_in(client)
    assert "Inloggen tijdelijk niet mogelijk" in html and "netwerkadres" in html
    assert "voor dit account" not in html and "Account tijdelijk geblokkeerd" not in html
    blocks = [line for line in lines_since(start) if line.event == SecurityEvent.LOCKED_OUT]
    assert blocks and all(line.ip_address == OUTSIDE for line in blocks)
    assert "verschillende gebruikersnamen vanaf dit netwerkadres" in blocks[-1].detail
    # The same real user, and everyone else, from another address: not blocked.
    assert login(Client(), real.username, **via_proxy(OFFICE)).status_code == 302
    assert login(Client(), elsewhere_user.username, **via_proxy(HOME)).status_code == 302


def test_the_client_address_lands_in_the_security_log_and_the_lock_out(client, make_user):
    user = make_user(Role.ANALIST)
    start = last_seq()
    login(Client(), user.username, WRONG, **via_proxy(OFFICE, HTTP_USER_AGENT="TestBrowser/1.0"))
    assert list(AccessAttempt.objects.filter(username=user.username).values_list("ip_address", flat=True)) == [OFFICE]
    login(client, user.username, **via_proxy(OFFICE))
    assert client.get("/toezicht/beveiligingslog/", **via_proxy(OFFICE)).status_code == 403
    failed, logged_in_line, refused = lines_since(start)
    assert (failed.event, logged_in_line.event, refused.event) == (
        SecurityEvent.LOGIN_FAILED, SecurityEvent.LOGIN, "toegang_geweigerd")
    assert {failed.ip_address, logged_in_line.ip_address, refused.ip_address} == {OFFICE}
    assert failed.user_agent == "TestBrowser/1.0"


# ------------------------------------------------------------ review findings (issue 13, round 2)

WORKSTATION = "10.1.2.3"  # a client inside the organisation's own 10.0.0.0/8


def test_a_client_inside_a_trusted_range_cannot_choose_its_own_address(make_user, settings):
    # The old docstring suggested MELDPUNT_TRUSTED_PROXIES=10.0.0.0/8, which holds the workstations too.
    settings.MELDPUNT_TRUSTED_PROXIES = ["10.0.0.0/8"]
    factory = RequestFactory()
    # Through the proxy: the workstation writes "6.6.6.6", the proxy appends the workstation. Only
    # the one entry the proxy appended is believed, although the workstation is "trusted" too.
    spoofed = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"6.6.6.6, {WORKSTATION}"}
    assert client_ip(factory.get("/", **spoofed)) == WORKSTATION
    assert client_ip(factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"6.6.6.6, 10.7.7.7, {WORKSTATION}")) \
        == WORKSTATION
    # Configured as it should be (the proxy's own address), the workstation reaching the app
    # directly is itself, whatever it writes.
    settings.MELDPUNT_TRUSTED_PROXIES = [PROXY]
    assert client_ip(factory.get("/", REMOTE_ADDR=WORKSTATION, HTTP_X_FORWARDED_FOR="6.6.6.6")) == WORKSTATION

    # The lock-out and the security log see the workstation, however it rotates the header.
    settings.MELDPUNT_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.MELDPUNT_LOGIN_ADDRESS_LIMIT = 5
    start = last_seq()
    for i in range(5):
        login(Client(), f"geraden-naam-{i}", WRONG, REMOTE_ADDR=PROXY,
              HTTP_X_FORWARDED_FOR=f"192.0.2.{i + 1}, {WORKSTATION}")
    assert set(AccessAttempt.objects.filter(username__startswith="geraden-naam-")
               .values_list("ip_address", flat=True)) == {WORKSTATION}
    assert {line.ip_address for line in lines_since(start)} == {WORKSTATION}
    response = login(Client(), make_user(Role.ANALIST).username, REMOTE_ADDR=PROXY,
                     HTTP_X_FORWARDED_FOR=f"192.0.2.99, {WORKSTATION}")
    assert response.status_code == 429 and "Inloggen tijdelijk niet mogelijk" in response.content.decode()


def test_ipv6_senders_are_counted_per_64(make_user, settings):
    # The public form: a new address from the same /64 does not give a new allowance.
    settings.MELDPUNT_PUBLIC_RATE = "2/hour"
    data = {"phenomenon": "overig", "description": "Een goede omschrijving van wat er gebeurt.", "anonymous": "ja"}
    statuses = [Client().post("/melden/", data, REMOTE_ADDR=f"2001:db8:1:2::{i + 1:x}").status_code for i in range(3)]
    assert statuses == [302, 302, 429]
    assert Client().post("/melden/", data, REMOTE_ADDR="2001:db8:1:3::1").status_code == 302  # another home

    # The lock-out: names tried from ever-new addresses of one /64 block that /64.
    settings.MELDPUNT_LOGIN_ADDRESS_LIMIT = 4
    for i in range(4):
        login(Client(), f"geraden-naam-{i}", WRONG, REMOTE_ADDR=f"2001:db8:1:2::{i + 100:x}")
    client = Client()
    response = login(client, make_user(Role.ANALIST).username, REMOTE_ADDR="2001:db8:1:2::beef")
    assert response.status_code == 429 and not logged_in(client)
    assert "Inloggen tijdelijk niet mogelijk" in response.content.decode()
    assert login(Client(), make_user(Role.ANALIST).username, REMOTE_ADDR="2001:db8:1:3::1").status_code == 302

    from meldpunt.core.clientip import rate_key

    assert rate_key("2001:db8:1:2::1") == rate_key("2001:db8:1:2:ffff:ffff:ffff:fffe") == "2001:db8:1:2::/64"
    assert rate_key("2001:db8:1:3::1") != rate_key("2001:db8:1:2::1")
    assert rate_key("::ffff:198.51.100.10") == rate_key("198.51.100.10") == OFFICE


def test_a_correct_login_is_not_refused_because_colleagues_mistyped(make_user, settings):
    assert settings.MELDPUNT_LOGIN_ADDRESS_LIMIT == 10
    # Ten colleagues behind one NAT (not a trusted proxy) each mistype once.
    colleagues = [make_user(Role.ANALIST) for _ in range(10)]
    for colleague in colleagues:
        assert login(Client(), colleague.username, WRONG, REMOTE_ADDR=OFFICE).status_code == 200
    # The eleventh logs in correctly, and so does each colleague on the second try.
    client = Client()
    assert login(client, make_user(Role.BEOORDELAAR).username, REMOTE_ADDR=OFFICE).status_code == 302
    assert logged_in(client)
    second = Client()
    assert login(second, colleagues[0].username, REMOTE_ADDR=OFFICE).status_code == 302 and logged_in(second)


def test_ten_names_that_are_no_account_block_the_address_with_the_neutral_message(make_user, settings):
    real = make_user(Role.ANALIST)
    for i in range(settings.MELDPUNT_LOGIN_ADDRESS_LIMIT):
        login(Client(), f"bestaat-niet-{i}", WRONG, REMOTE_ADDR=OFFICE)
    client = Client()
    response = login(client, real.username, REMOTE_ADDR=OFFICE)
    html = response.content.decode()
    assert response.status_code == 429 and not logged_in(client)
    assert "Inloggen tijdelijk niet mogelijk" in html and "netwerkadres" in html
    assert "voor dit account" not in html
    assert login(Client(), real.username, REMOTE_ADDR=HOME).status_code == 302
