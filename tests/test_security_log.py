"""The security log (BIO 12.4.1): its events, its fields, no secrets, its own hash chain, and
pruning after MELDPUNT_SECURITY_LOG_MONTHS with a checkpoint that keeps the rest verifiable."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from django_otp.oath import totp

from meldpunt.accounts import totp as totp_service
from meldpunt.accounts.models import RoleAssignment
from meldpunt.accounts.roles import Role
from meldpunt.intake import services as intake_services
from meldpunt.privacy import chain, security, triggers
from meldpunt.privacy.models import AppendOnlyError, LogChainHead, SecurityEvent, SecurityLogEntry, SecurityResult

pytestmark = pytest.mark.django_db

PASSWORD = "een-lang-wachtwoord-voor-tests"
WRONG = "een-verkeerd-geheim-wachtwoord"
TABLE = SecurityLogEntry._meta.db_table
BROWSER = "Mozilla/5.0 (X11; Linux) TestBrowser/1.0"


def lines_since(seq):
    return list(SecurityLogEntry.objects.filter(seq__gt=seq).order_by("seq"))


def last_seq():
    return LogChainHead.objects.get(chain="beveiliging").last_seq


def all_text(lines) -> str:
    return " ".join(str(value) for line in lines for value in line.__dict__.values())


def login(client, username, password=PASSWORD):
    return client.post("/inloggen/", {"username": username, "password": password},
                       HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="192.0.2.10")


def test_login_and_logout_with_who_device_result_and_time(client, make_user):
    user = make_user(Role.FG, Role.ANALIST)
    start = last_seq()
    login(client, user.username)
    client.post("/uitloggen/", HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="192.0.2.10")
    login_line, logout_line = lines_since(start)
    assert (login_line.event, login_line.result) == (SecurityEvent.LOGIN, SecurityResult.SUCCESS)
    assert (login_line.user_id, login_line.username) == (user.pk, user.username)
    assert login_line.roles == "fg,analist"
    assert (login_line.ip_address, login_line.user_agent) == ("192.0.2.10", BROWSER)
    assert abs(login_line.occurred_at - timezone.now()) < timedelta(minutes=1)
    assert len(login_line.trace_id) == 32
    assert logout_line.event == SecurityEvent.LOGOUT and logout_line.user_id == user.pk


def test_failed_login_never_logs_the_password(client, make_user):
    user = make_user(Role.ANALIST)
    start = last_seq()
    login(client, user.username, WRONG)
    (line,) = lines_since(start)
    assert (line.event, line.result, line.username) == (SecurityEvent.LOGIN_FAILED, SecurityResult.FAILURE,
                                                        user.username)
    assert line.ip_address == "192.0.2.10"
    assert WRONG not in all_text([line])


def test_lockout_is_logged(client, make_user, settings):
    user = make_user(Role.ANALIST)
    start = last_seq()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, user.username, WRONG)
    events = [line.event for line in lines_since(start)]
    assert events.count(SecurityEvent.LOGIN_FAILED) == settings.AXES_FAILURE_LIMIT
    assert SecurityEvent.LOCKED_OUT in events
    assert WRONG not in all_text(lines_since(start))


def test_second_factor_results_are_logged(make_user):
    user = make_user(Role.FG)
    device = totp_service.pending_device(user)
    start = last_seq()
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    assert not totp_service.verify(device, wrong)
    device.throttle_reset()  # skip django-otp's delay after a failure (an unused device: nothing logged)
    assert totp_service.verify(device, code)
    lines = lines_since(start)
    assert [(line.event, line.result) for line in lines] == [
        (SecurityEvent.SECOND_FACTOR, SecurityResult.FAILURE), (SecurityEvent.SECOND_FACTOR, SecurityResult.SUCCESS)]
    assert all(line.user_id == user.pk for line in lines)
    assert code not in all_text(lines) and wrong not in all_text(lines)


def test_admin_change_names_the_fields_not_the_values(make_user):
    admin = make_user(Role.BEHEERDER)
    target = make_user(Role.ANALIST)
    start = last_seq()
    LogEntry.objects.log_actions(admin.pk, [target], CHANGE,
                                 change_message=[{"changed": {"fields": ["E-mailadres", "Organisatie"]}}],
                                 single_object=True)
    (line,) = lines_since(start)
    assert (line.event, line.user_id, line.object_type, line.object_id) == (
        SecurityEvent.ADMIN_CHANGE, admin.pk, "user", str(target.pk))
    assert line.detail == "velden: E-mailadres, Organisatie"


def test_role_grant_and_revocation(make_user):
    user = make_user(Role.ANALIST)
    start = last_seq()
    assignment = RoleAssignment.objects.create(user=user, role=Role.FG)
    assignment.delete()
    granted, revoked = lines_since(start)
    assert (granted.event, granted.object_id, granted.detail) == (SecurityEvent.ROLE_GRANTED, str(user.pk),
                                                                  f"rol fg voor {user.username} in Zaanstad")
    assert revoked.event == SecurityEvent.ROLE_REVOKED
    # Outside a request (a command, a job): the host and the OS account are the device.
    assert granted.user_agent.startswith("opdrachtregel ")


def test_roles_granted_by_the_account_services_are_logged(make_user):
    """create_user and set_roles insert roles in bulk (no post_save): they log the grants themselves."""
    from meldpunt.accounts import services as account_services

    start = last_seq()
    user = make_user(Role.ANALIST, Role.FG)
    account_services.set_roles(user, [Role.FG, Role.ARCHIVARIS])
    events = [(line.event, line.detail) for line in lines_since(start)]
    assert (SecurityEvent.ROLE_GRANTED, f"rol analist voor {user.username} in Zaanstad") in events
    assert (SecurityEvent.ROLE_GRANTED, f"rol fg voor {user.username} in Zaanstad") in events
    assert (SecurityEvent.ROLE_REVOKED, f"rol analist voor {user.username} in Zaanstad") in events
    assert (SecurityEvent.ROLE_GRANTED, f"rol archivaris voor {user.username} in Zaanstad") in events


def test_partner_tokens_are_logged_without_the_token():
    start = last_seq()
    partner, token = intake_services.issue_token("Woningcorporatie Test")
    _, second = intake_services.issue_token("Woningcorporatie Test", replace=True)
    intake_services.revoke("Woningcorporatie Test")
    lines = lines_since(start)
    assert [line.event for line in lines] == [SecurityEvent.TOKEN_ISSUED, SecurityEvent.TOKEN_ISSUED,
                                              SecurityEvent.TOKEN_REVOKED]
    assert "vervangt het vorige" in lines[1].detail and "vervangt" not in lines[0].detail
    assert all(line.object_id == str(partner.pk) for line in lines)
    text = all_text(lines)
    assert token not in text and second not in text


# ---------------------------------------------------------------------------- chain and pruning


def test_security_chain_verifies_and_detects_a_change(client, make_user, capsys):
    user = make_user(Role.ANALIST)
    login(client, user.username, WRONG)
    login(client, user.username)
    assert chain.verify(SecurityLogEntry).ok
    seq = last_seq()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in triggers.sqlite_trigger_names(TABLE):
                cursor.execute(f"DROP TRIGGER {name}")
        else:
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {triggers.TRIGGER}")
        cursor.execute(f"UPDATE {TABLE} SET result = 'geslaagd' WHERE seq = %s", [seq - 1])
    assert [(p.kind, p.seq) for p in chain.verify(SecurityLogEntry).problems] == [("gewijzigd", seq - 1)]
    with pytest.raises(CommandError, match="Beveiligingslog klopt niet"):
        call_command("log", "verify", "--log", "beveiliging")
    assert f"Regel {seq - 1} is gewijzigd" in capsys.readouterr().err
    # A broken chain is evidence: the retention job does not clean it away.
    with pytest.raises(security.SecurityLogError, match="beveiligingsincident"):
        security.prune_security_log(now=timezone.now() + timedelta(days=400))


def _write_at(moment, monkeypatch, n):
    monkeypatch.setattr(timezone, "now", lambda: moment)
    for i in range(n):
        security.log_event(SecurityEvent.LOGIN_FAILED, SecurityResult.FAILURE, username=f"oud-{i}")
    monkeypatch.undo()


def test_prune_keeps_the_chain_verifiable_from_a_checkpoint(monkeypatch, settings):
    settings.MELDPUNT_SECURITY_LOG_MONTHS = 6
    now = timezone.now()
    _write_at(now - timedelta(days=200), monkeypatch, 3)
    first_recent = last_seq() + 1
    _write_at(now - timedelta(days=10), monkeypatch, 2)
    expected = SecurityLogEntry.objects.filter(seq__lt=first_recent).count()

    assert security.prune_security_log(now=now, dry_run=True) == expected
    assert SecurityLogEntry.objects.filter(seq__lt=first_recent).count() == expected  # a dry run removes nothing
    assert security.prune_security_log(now=now) == expected
    assert SecurityLogEntry.objects.order_by("seq").first().seq == first_recent
    assert security.prune_security_log(now=now) == 0  # idempotent

    head = LogChainHead.objects.get(chain="beveiliging")
    assert head.checkpoint_seq == first_recent and head.pruned == expected
    report = chain.verify(SecurityLogEntry)
    assert report.ok, report.problems
    assert report.first_seq == first_recent
    assert f"De controle begint bij regel {first_recent}" in report.notes[0]

    # Removing the first kept line is still caught: the checkpoint says where the chain starts.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in triggers.sqlite_trigger_names(TABLE):
                cursor.execute(f"DROP TRIGGER {name}")
        else:
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {triggers.TRIGGER}")
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [first_recent])
    assert [(p.kind, p.seq) for p in chain.verify(SecurityLogEntry).problems] == [("verwijderd", first_recent)]


def test_prune_with_everything_expired_leaves_an_empty_but_verifiable_chain(monkeypatch):
    _write_at(timezone.now() - timedelta(days=400), monkeypatch, 2)
    last = last_seq()
    assert security.prune_security_log() >= 2
    assert not SecurityLogEntry.objects.exists()
    assert chain.verify(SecurityLogEntry).ok
    security.log_event(SecurityEvent.LOGIN_FAILED, SecurityResult.FAILURE, username="nieuw")
    assert last_seq() == last + 1
    assert chain.verify(SecurityLogEntry).ok


def test_security_log_lines_cannot_be_changed_by_the_app():
    line = security.log_event(SecurityEvent.LOGIN_FAILED, SecurityResult.FAILURE, username="iemand")
    with pytest.raises(AppendOnlyError, match="alleen-toevoegen"):
        SecurityLogEntry.objects.filter(pk=line.pk).delete()
    assert SecurityLogEntry.objects.filter(pk=line.pk).exists()
