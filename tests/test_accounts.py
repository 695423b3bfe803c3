"""Login, landing pages per role, lock-out, idle time-out, second factor (TOTP) and logout."""

import base64
import time

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from meldpunt.accounts.middleware import IDLE_KEY
from meldpunt.accounts.roles import PROFILE_BY_ROLE, ROLE_PROFILES, Role

PASSWORD = "een-lang-wachtwoord-voor-tests"
LOGIN = "/inloggen/"
SECOND_FACTOR = "/inloggen/tweede-factor/"


def login(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def current_code(device: TOTPDevice) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{code:0{device.digits}d}"


# ----------------------------------------------------------------------------- login page


@pytest.mark.django_db
def test_login_page_is_dutch(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nl"' in html
    for text in ("Inloggen", "Gebruikersnaam", "Wachtwoord", "hoeft u niet in te loggen"):
        assert text in html
    assert 'autocomplete="current-password"' in html


def test_wrong_password_gives_dutch_error_and_no_session(client, make_user):
    user = make_user(Role.ANALIST)
    response = login(client, user.username, "fout-wachtwoord-123")
    assert response.status_code == 200
    assert "Deze combinatie van gebruikersnaam en wachtwoord kennen we niet" in response.content.decode()
    assert not logged_in(client)


# ---------------------------------------------------------------------- landing pages


@pytest.mark.parametrize("profile", ROLE_PROFILES, ids=lambda p: p.role.value)
def test_login_redirects_each_role_to_its_landing_page(client, make_user, profile):
    user = make_user(profile.role)
    response = login(client, user.username, follow=True)
    landing = reverse(profile.landing_url_name)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == landing
    assert response.request["PATH_INFO"] == landing
    assert logged_in(client)


def test_user_with_several_roles_lands_on_first_roles_page(client, make_user):
    # Created analist-first, but regisseur comes first in ROLE_PROFILES.
    user = make_user(Role.ANALIST, Role.MELDER_INTERN, Role.REGISSEUR)
    response = login(client, user.username, follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == reverse(PROFILE_BY_ROLE[Role.REGISSEUR].landing_url_name)

    other = make_user(Role.MELDER_INTERN, Role.FG)
    client.post(reverse("accounts:logout"))
    response = login(client, other.username, follow=True)
    assert response.request["PATH_INFO"] == reverse("web:toezicht")


def test_user_without_role_gets_no_role_page(client, make_user):
    user = make_user()
    response = login(client, user.username, follow=True)
    assert response.status_code == 403
    assert response.request["PATH_INFO"] == reverse("web:start")
    assert "U hebt nog geen rol" in response.content.decode()


def test_inactive_user_cannot_log_in(client, make_user):
    user = make_user(Role.ANALIST)
    user.is_active = False
    user.save(update_fields=["is_active"])
    login(client, user.username)
    assert not logged_in(client)


# ---------------------------------------------------------------------------- lock-out


def test_lockout_after_failure_limit(client, make_user, settings):
    user = make_user(Role.ANALIST)
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = login(client, user.username, "fout-wachtwoord-123")
        assert response.status_code == 200
        assert "Account tijdelijk geblokkeerd" not in response.content.decode()
    # The fifth failure reaches the limit: from now on the account is blocked.
    response = login(client, user.username, "fout-wachtwoord-123")
    assert "Account tijdelijk geblokkeerd" in response.content.decode()
    response = login(client, user.username, PASSWORD)
    assert response.status_code in (403, 429)
    assert "Account tijdelijk geblokkeerd" in response.content.decode()
    assert not logged_in(client)


def test_lockout_is_per_user_name_across_addresses(client, make_user, settings):
    user = make_user(Role.ANALIST)
    for i in range(settings.AXES_FAILURE_LIMIT):
        login(client, user.username, "fout-wachtwoord-123", REMOTE_ADDR=f"10.0.0.{i + 1}")
    response = login(client, user.username, PASSWORD, REMOTE_ADDR="10.0.1.1")
    assert "Account tijdelijk geblokkeerd" in response.content.decode()
    assert not logged_in(client)


def test_lockout_is_per_address_across_user_names(client, make_user, settings):
    # Per address only for trying many user names (MELDPUNT_LOGIN_ADDRESS_LIMIT), with a message
    # about the address, not about an account (tests/attack/test_attack_p8_login_proxy.py).
    victim = make_user(Role.ANALIST)
    for i in range(settings.MELDPUNT_LOGIN_ADDRESS_LIMIT):
        login(client, f"geraden-naam-{i}", "fout-wachtwoord-123", REMOTE_ADDR="10.9.9.9")
    response = login(client, victim.username, PASSWORD, REMOTE_ADDR="10.9.9.9")
    assert "Inloggen tijdelijk niet mogelijk" in response.content.decode()
    assert not logged_in(client)
    # The same user from another address is not blocked.
    response = login(client, victim.username, PASSWORD, REMOTE_ADDR="10.8.8.8")
    assert logged_in(client)


def test_typos_of_real_accounts_do_not_count_toward_the_address_block(client, make_user, settings):
    # Only names that are no account are "trying names"; real users' typos are limited per name.
    settings.MELDPUNT_LOGIN_ADDRESS_LIMIT = 3
    typists = [make_user(Role.ANALIST) for _ in range(3)]
    for typist in typists:
        login(client, typist.username, "fout-wachtwoord-123", REMOTE_ADDR="10.7.7.7")
    login(client, "bestaat-niet", "fout-wachtwoord-123", REMOTE_ADDR="10.7.7.7")
    response = login(client, make_user(Role.ANALIST).username, PASSWORD, REMOTE_ADDR="10.7.7.7")
    assert response.status_code == 302 and logged_in(client)


def test_failures_below_limit_do_not_block(client, make_user, settings):
    user = make_user(Role.ANALIST)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, user.username, "fout-wachtwoord-123")
    response = login(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


# ------------------------------------------------------------------------ idle time-out


def test_idle_session_is_logged_out_and_sent_to_login(client, make_user, settings):
    user = make_user(Role.ANALIST)
    login(client, user.username)
    page = reverse("web:ondermijningsbeeld")
    assert client.get(page).status_code == 200
    assert isinstance(client.session[IDLE_KEY], int)

    session = client.session
    session[IDLE_KEY] = int(time.time()) - settings.MELDPUNT_SESSION_IDLE_SECONDS - 5
    session.save()
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={page}"
    assert not logged_in(client)
    response = client.get(response["Location"])
    assert "U bent uitgelogd omdat u een tijd niets hebt gedaan." in response.content.decode()


def test_activity_within_idle_limit_keeps_session(client, make_user, settings):
    user = make_user(Role.ANALIST)
    login(client, user.username)
    session = client.session
    session[IDLE_KEY] = int(time.time()) - settings.MELDPUNT_SESSION_IDLE_SECONDS + 30
    session.save()
    assert client.get(reverse("web:ondermijningsbeeld")).status_code == 200
    assert logged_in(client)
    assert client.session[IDLE_KEY] >= int(time.time()) - 5  # refreshed


def test_activity_is_written_to_the_session_at_most_every_refresh_interval(client, make_user):
    """A page within IDLE_REFRESH_SECONDS of the last write leaves the session as it is: no UPDATE
    and no COMMIT per page (issue 17, load); the time-out can only come early by that, never late."""
    from django.contrib.sessions.models import Session

    from meldpunt.accounts.middleware import IDLE_REFRESH_SECONDS

    user = make_user(Role.ANALIST)
    login(client, user.username)
    page = reverse("web:ondermijningsbeeld")
    assert client.get(page).status_code == 200
    written = client.session[IDLE_KEY]
    expiry = Session.objects.get(pk=client.session.session_key).expire_date
    assert client.get(page).status_code == 200
    assert client.session[IDLE_KEY] == written
    assert Session.objects.get(pk=client.session.session_key).expire_date == expiry  # not saved again

    session = client.session
    session[IDLE_KEY] = int(time.time()) - IDLE_REFRESH_SECONDS
    session.save()
    assert client.get(page).status_code == 200
    assert client.session[IDLE_KEY] >= int(time.time()) - 5  # due again: written


def test_idle_timeout_setting_is_honoured(client, make_user, settings):
    settings.MELDPUNT_SESSION_IDLE_SECONDS = 0
    user = make_user(Role.ANALIST)
    login(client, user.username)
    session = client.session
    session[IDLE_KEY] = int(time.time()) - 2
    session.save()
    response = client.get(reverse("web:ondermijningsbeeld"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_idle_api_session_is_refused_as_problem(client, make_user):
    user = make_user(Role.ANALIST)
    login(client, user.username)
    session = client.session
    session[IDLE_KEY] = 0
    session.save()
    response = client.get("/api/v1/ik")
    assert response.status_code in (401, 403)
    assert response["Content-Type"] == "application/problem+json"
    assert not logged_in(client)


# -------------------------------------------------------------------- second factor


@pytest.fixture
def require_2fa(settings):
    settings.MELDPUNT_REQUIRE_2FA = True


def test_personal_data_role_must_set_up_second_factor(client, make_user, require_2fa):
    user = make_user(Role.BEOORDELAAR)
    response = login(client, user.username, follow=True)
    assert response.request["PATH_INFO"] == SECOND_FACTOR
    html = response.content.decode()
    assert "<svg" in html  # the QR code, inline
    assert "Scan deze QR-code" in html
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    # For an app that cannot scan: the same key, readable in base32 groups.
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert secret[:4] + " " + secret[4:8] in html
    # Every other page sends the user back to the second factor.
    response = client.get(reverse("web:werkvoorraad"))
    assert response.status_code == 302
    assert response["Location"] == SECOND_FACTOR


def test_correct_totp_code_lets_user_in(client, make_user, require_2fa):
    user = make_user(Role.BEOORDELAAR)
    login(client, user.username)
    client.get(SECOND_FACTOR)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(SECOND_FACTOR, {"token": current_code(device)}, follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == reverse("web:werkvoorraad")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/api/v1/ik").status_code == 200


def test_confirmed_device_asks_only_for_the_code(client, make_user, require_2fa):
    user = make_user(Role.FG)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    login(client, user.username)
    response = client.get(SECOND_FACTOR)
    html = response.content.decode()
    assert "<svg" not in html
    assert "Vul de code in die uw authenticator-app nu toont." in html
    response = client.post(SECOND_FACTOR, {"token": current_code(device)}, follow=True)
    assert response.request["PATH_INFO"] == reverse("web:toezicht")
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_wrong_totp_code_shows_dutch_error(client, make_user, require_2fa):
    user = make_user(Role.REGISSEUR)
    login(client, user.username)
    client.get(SECOND_FACTOR)
    device = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(current_code(device)) + 1) % 10**6:06d}"
    response = client.post(SECOND_FACTOR, {"token": wrong})
    assert response.status_code == 200
    assert "Deze code klopt niet of is verlopen" in response.content.decode()
    response = client.post(SECOND_FACTOR, {"token": "12ab"})
    assert "Vul de zes cijfers in die uw app nu toont." in response.content.decode()
    assert client.get(reverse("web:werkvoorraad"))["Location"] == SECOND_FACTOR


def test_analist_is_not_asked_for_second_factor(client, make_user, require_2fa):
    user = make_user(Role.ANALIST)
    response = login(client, user.username, follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == reverse("web:ondermijningsbeeld")
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_api_refuses_before_second_factor(client, make_user, require_2fa):
    user = make_user(Role.REGISSEUR)
    login(client, user.username)
    response = client.get("/api/v1/ik")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["title"] == "Tweede factor vereist"
    assert body["status"] == 403


def test_second_factor_not_required_when_setting_off(client, make_user, settings):
    settings.MELDPUNT_REQUIRE_2FA = False
    user = make_user(Role.BEOORDELAAR)
    response = login(client, user.username, follow=True)
    assert response.request["PATH_INFO"] == reverse("web:werkvoorraad")


# ------------------------------------------------------------------------------- logout


def test_logout_only_by_post(client, make_user):
    user = make_user(Role.ANALIST)
    login(client, user.username)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert logged_in(client)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert not logged_in(client)
    response = client.get(reverse("web:ondermijningsbeeld"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
