"""The security log (BIO 12.4.1): logins, failures, lock-outs, refused access (refusals.py), second
factor, administration (also in bulk), role changes, partner tokens, reads of the Logboek API and
failed chain verifications, in a hash chain of its own (chain.py). Also the retention of both log
chains, because a chain that refuses to be pruned is a security event.

BIO 12.4.1/01: each line holds the event, who (an account, traceable to a natural person), the
device (network address and browser, or the host of a command), the result, date and time.
/02: never a password, token or other secret: the receivers pass names and ids only.
"""

from __future__ import annotations

import calendar
import getpass
import json
import socket
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from meldpunt.accounts.lockout import ADDRESS
from meldpunt.core.clientip import client_ip
from meldpunt.tenancy.ownership import UnknownOwner, gemeente_code_of

from . import chain, trace
from .models import ProcessingLogEntry, SecurityEvent, SecurityLogEntry, SecurityResult

# Format 2 chains the format and the gemeente of the event (ADR 0030 §6).
FORMAT_VERSION = 2


class SecurityLogError(Exception):
    pass


def _device(request) -> tuple[str, str]:
    if request is None:
        # A management command: the host and the operating-system account that ran it.
        return "", f"opdrachtregel {socket.gethostname()} ({getpass.getuser()})"[:200]
    meta = getattr(request, "META", {})
    # The client, also behind the trusted proxies (meldpunt.core.clientip), never the proxy itself.
    return client_ip(request)[:45], meta.get("HTTP_USER_AGENT", "")[:200]


def _roles(user) -> str:
    if user is None or not getattr(user, "pk", None):
        return ""
    return ",".join(role.value for role in user.ordered_roles())


def log_event(event: str, result: str = SecurityResult.SUCCESS, *, user=None, username: str = "", request=None,
              obj=None, object_type: str = "", object_id: str = "", detail: str = "",
              gemeente=None) -> SecurityLogEntry:
    """Write one line. ``request`` defaults to the request being handled (None in a command).
    ``gemeente`` (a Tenant or code; by default the owner of ``obj``) is the gemeente the event
    concerns, whose FG sees it; none for an event of the installation (a login), seen by every FG."""
    request = request if request is not None else trace.current_request()
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        user = candidate if getattr(candidate, "is_authenticated", False) else None
    ip_address, user_agent = _device(request)
    code = "" if gemeente is None else getattr(gemeente, "code", gemeente)
    if obj is not None:
        object_type, object_id = obj._meta.label_lower, str(obj.pk)
        if gemeente is None:
            try:
                code = gemeente_code_of(obj) or ""
            except UnknownOwner:
                code = ""  # a model outside OWNER_PATHS (Django's own): an installation event
    line = SecurityLogEntry(
        occurred_at=timezone.now(), event=event, result=result,
        user_id=getattr(user, "pk", None), username=(username or getattr(user, "username", ""))[:150],
        roles=_roles(user)[:200], ip_address=ip_address, user_agent=user_agent,
        object_type=object_type[:60], object_id=str(object_id)[:60], detail=detail[:300],
        trace_id=trace.current().trace_id, format_version=FORMAT_VERSION, gemeente_code=code,
    )
    chain.append(SecurityLogEntry, [line])
    return line


# --------------------------------------------------------------------------------- receivers


def on_login(sender, request, user, **_kwargs):
    log_event(SecurityEvent.LOGIN, user=user, request=request)


def on_logout(sender, request, user, **_kwargs):
    log_event(SecurityEvent.LOGOUT, user=user, request=request)


def on_login_failed(sender, credentials, request=None, **_kwargs):
    if getattr(request, "meldpunt_refused_while_locked", False):
        return  # refused by the lock-out before the password was checked: on_locked_out logs it
    if getattr(request, "meldpunt_oidc_refused", False):
        return  # refused on the identity provider's claims: accounts.oidc logged why
    if "nonce" in (credentials or {}) or "code_verifier" in (credentials or {}):
        log_event(SecurityEvent.LOGIN_FAILED, SecurityResult.FAILURE, request=request,
                  detail="inloggen via de identiteitsprovider mislukt")
        return
    # Only the user name: the credentials also hold the password (BIO 12.4.1/02).
    username = str((credentials or {}).get("username", ""))
    log_event(SecurityEvent.LOGIN_FAILED, SecurityResult.FAILURE, username=username, request=request,
              detail="onjuiste gebruikersnaam of wachtwoord")


def on_locked_out(sender, request, username, ip_address=None, **_kwargs):
    if getattr(request, "meldpunt_lockout", "") == ADDRESS:
        reason = "te veel mislukte pogingen met verschillende gebruikersnamen vanaf dit netwerkadres"
    else:
        reason = "te veel mislukte pogingen voor deze gebruikersnaam"
    if getattr(request, "meldpunt_refused_while_locked", False):
        detail = f"inlogpoging geweigerd tijdens de blokkade, wachtwoord niet gecontroleerd ({reason})"
    else:
        detail = f"geblokkeerd: {reason}"
    log_event(SecurityEvent.LOCKED_OUT, SecurityResult.FAILURE, username=str(username or ""), request=request,
              detail=detail)


def on_second_factor(sender, instance, created, update_fields=None, **_kwargs):
    """django-otp saves the TOTP device after every check: a reset counter is a pass, a raised one a fail."""
    if created or update_fields:  # creation, or the one-off 'confirmed' save after set-up
        return
    if instance.throttling_failure_count:
        log_event(SecurityEvent.SECOND_FACTOR, SecurityResult.FAILURE, user=instance.user,
                  detail=f"onjuiste code ({instance.throttling_failure_count}e keer op rij)")
    elif instance.last_used_at:
        log_event(SecurityEvent.SECOND_FACTOR, user=instance.user, detail="code goedgekeurd")


_ADMIN_EVENTS = {1: SecurityEvent.ADMIN_ADD, 2: SecurityEvent.ADMIN_CHANGE, 3: SecurityEvent.ADMIN_DELETE}


def _changed_fields(change_message: str) -> str:
    """The names of the changed fields from the admin's change message; never the values."""
    try:
        messages = json.loads(change_message or "[]")
    except ValueError:
        return ""
    names = [name for message in messages if isinstance(message, dict)
             for body in message.values() if isinstance(body, dict) for name in body.get("fields", [])]
    return ", ".join(dict.fromkeys(str(n) for n in names))


def on_admin_change(sender, instance, created, **_kwargs):
    if not created:
        return
    fields = _changed_fields(instance.change_message)
    log_event(_ADMIN_EVENTS.get(instance.action_flag, SecurityEvent.ADMIN_CHANGE), user=instance.user,
              object_type=instance.content_type.model if instance.content_type_id else "",
              object_id=instance.object_id or "", detail=f"velden: {fields}" if fields else "")


def on_role_granted(sender, instance, created, **_kwargs):
    if created:
        log_event(SecurityEvent.ROLE_GRANTED, obj=instance.user,
                  detail=f"rol {instance.role} voor {instance.user.username} in {instance.scope_name}")


def on_role_revoked(sender, instance, **_kwargs):
    log_event(SecurityEvent.ROLE_REVOKED, obj=instance.user,
              detail=f"rol {instance.role} voor {instance.user.username} in {instance.scope_name}")


def partner_token(partner, *, revoked: bool = False, replaced: bool = False) -> None:
    """Called by intake.services.issue_token and revoke (the token itself never reaches the log)."""
    if revoked:
        event, detail = SecurityEvent.TOKEN_REVOKED, f"token van {partner.name} ingetrokken"
    else:
        event = SecurityEvent.TOKEN_ISSUED
        detail = f"nieuw token voor {partner.name}{' (vervangt het vorige)' if replaced else ''}"
    log_event(event, obj=partner, detail=detail)


def logged_delete_selected(modeladmin, request, queryset):
    """The admin's 'delete selected' action, plus one security-log line for the whole batch: Django
    writes its own admin log for a batch in one insert, without the post_save on_admin_change hears."""
    # The admin app is loaded only where the admin runs; import it when the action is used.
    from django.contrib.admin.actions import delete_selected

    count = queryset.count()
    response = delete_selected(modeladmin, request, queryset)
    if response is None and count > 1:  # None: confirmed and deleted (else the confirmation page)
        log_event(SecurityEvent.ADMIN_BULK, request=request, object_type=queryset.model._meta.model_name,
                  detail=f"{count} {queryset.model._meta.verbose_name_plural} in één keer verwijderd")
    return response


logged_delete_selected.allowed_permissions = ("delete",)
logged_delete_selected.short_description = "Geselecteerde %(verbose_name_plural)s verwijderen"


def connect() -> None:
    """Called from PrivacyConfig.ready."""
    # Models of other apps: connect() runs from PrivacyConfig.ready, once every app is loaded.
    from axes.signals import user_locked_out
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth import signals as auth_signals
    from django.db.models.signals import post_delete, post_save
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from meldpunt.accounts.models import RoleAssignment

    auth_signals.user_logged_in.connect(on_login, dispatch_uid="security_log_login")
    auth_signals.user_logged_out.connect(on_logout, dispatch_uid="security_log_logout")
    auth_signals.user_login_failed.connect(on_login_failed, dispatch_uid="security_log_login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="security_log_locked_out")
    post_save.connect(on_second_factor, sender=TOTPDevice, dispatch_uid="security_log_totp")
    post_save.connect(on_admin_change, sender=LogEntry, dispatch_uid="security_log_admin")
    post_save.connect(on_role_granted, sender=RoleAssignment, dispatch_uid="security_log_role_granted")
    post_delete.connect(on_role_revoked, sender=RoleAssignment, dispatch_uid="security_log_role_revoked")
    # The admin site exists once every app is ready, as here.
    from django.contrib import admin

    admin.site.add_action(logged_delete_selected, "delete_selected")


# --------------------------------------------------------------------------------- retention


def months_before(moment: datetime, months: int) -> datetime:
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def prune_security_log(now=None, dry_run: bool = False) -> int:
    """Remove security-log lines older than MELDPUNT_SECURITY_LOG_MONTHS (Selectielijst 19.1.24).

    The oldest lines go as one block from the start of the chain; the head keeps the first kept
    line and the hash before it (the checkpoint), so the rest still verifies. A chain that does
    not verify is not pruned: tampering is a security incident (BIO 12.4.2/04), not something to
    clean away. Returns the number of lines removed (or, with ``dry_run``, that would be).
    """
    now = now or timezone.now()
    cutoff = months_before(now, settings.MELDPUNT_SECURITY_LOG_MONTHS)
    try:
        return chain.prune(SecurityLogEntry, "occurred_at", cutoff, now, dry_run=dry_run)
    except chain.ChainBroken as broken:
        chain_broken("Beveiligingslog", broken.report)
        raise SecurityLogError("Het beveiligingslog wordt niet opgeschoond: de keten klopt niet "
                               f"({broken}). Meld dit als beveiligingsincident.") from None


def prune_processing_log(now=None, dry_run: bool = False) -> int:
    """Remove processing-log lines older than MELDPUNT_PROCESSING_LOG_MONTHS (0: keep all), the same
    way: a block from the start of the chain, with a checkpoint (ADR 0025). Not when the chain is broken."""
    months = settings.MELDPUNT_PROCESSING_LOG_MONTHS
    if months <= 0:
        return 0
    now = now or timezone.now()
    try:
        return sum(chain.prune(ProcessingLogEntry, "started_at", months_before(now, months), now, dry_run=dry_run,
                               chain=name) for name in chain.chains(ProcessingLogEntry))
    except chain.ChainBroken as broken:
        chain_broken("Verwerkingslog", broken.report)
        raise SecurityLogError("Het verwerkingslog wordt niet opgeschoond: de keten klopt niet "
                               f"({broken}). Meld dit als beveiligingsincident.") from None


def chain_broken(title: str, report) -> None:
    """BIO 12.4.1: a failed verification of a log chain is itself a security event."""
    first = report.problems[0].message if report.problems else ""
    log_event(SecurityEvent.CHAIN_BROKEN, SecurityResult.FAILURE, object_type="logketen", object_id=report.chain,
              detail=f"{title}: {len(report.problems) + report.unreported} afwijkingen; eerste: {first}")
