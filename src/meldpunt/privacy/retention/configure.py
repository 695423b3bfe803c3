"""Writes of a gemeente's retention settings (ADR 0030 §7): its beheerder sets the term and valuation
of a result class, or which class a signal gets in an end state, for that gemeente only — or goes
back to the installation's default. One transaction each, checked against the access policy (only
the beheerder of that gemeente), refused in Dutch with nothing changed; each change is a security
event of that gemeente (its FG sees who changed which term). The dates of its records follow at
once (triggers.py)."""

from __future__ import annotations

from django.db import transaction

from meldpunt import policy
from meldpunt.privacy import security
from meldpunt.privacy.models import SecurityEvent
from meldpunt.tenancy.models import Tenant

from . import terms
from .errors import NotAllowed, RetentionError
from .models import ResultClass, SignalRetentionRule, Valuation

MAX_TERM_MONTHS = 1200  # a hundred years: longer is "blijvend bewaren"
REFUSED = "Alleen de functioneel beheerder van deze gemeente stelt haar bewaartermijnen in."


def _check(user, gemeente: Tenant) -> None:
    if not policy.may_set_retention_terms(user, gemeente):
        raise NotAllowed(REFUSED)


def _default(code: str) -> ResultClass:
    found = terms.defaults().filter(code=code, active=True).first()
    if found is None:
        raise RetentionError(field_errors={"resultaatklasse": ["Deze resultaatklasse bestaat niet (meer)."]})
    return found


def _event(user, gemeente: Tenant, detail: str) -> None:
    security.log_event(SecurityEvent.ADMIN_CHANGE, user=user, gemeente=gemeente, object_type="bewaartermijnen",
                       detail=detail)


@transaction.atomic
def set_term(user, gemeente: Tenant, code: str, *, valuation: str, term_months: int | None) -> ResultClass:
    """Give result class ``code`` its own term in ``gemeente``. Equal to the default: the gemeente's
    own row goes (it reads the default again, and follows later changes of it)."""
    _check(user, gemeente)
    default = _default(code)
    errors: dict[str, list[str]] = {}
    if valuation not in Valuation.values:
        errors["waardering"] = ["Kies vernietigen of blijvend bewaren."]
    elif valuation == Valuation.VERNIETIGEN and term_months is None:
        errors["termijn"] = ["Geef de bewaartermijn in maanden (bijvoorbeeld 60 voor vijf jaar)."]
    elif term_months is not None and not 1 <= term_months <= MAX_TERM_MONTHS:
        errors["termijn"] = [f"Een bewaartermijn is 1 tot {MAX_TERM_MONTHS} maanden; langer is blijvend bewaren."]
    if errors:
        raise RetentionError(field_errors=errors)
    if valuation == Valuation.BLIJVEND:
        term_months = None
    own = ResultClass.objects.select_for_update().filter(code=code, gemeente=gemeente).first()
    if (valuation, term_months) == (default.valuation, default.term_months):
        if own is not None:
            own.delete()
            _event(user, gemeente, f"bewaartermijn {default.name}: terug naar de standaard ({default.term_label})")
        return default
    if own is None:
        own = ResultClass(code=code, gemeente=gemeente, name=default.name,
                          selectielijst_item=default.selectielijst_item, applies_to=default.applies_to,
                          source=default.source, active=True)
    elif (own.valuation, own.term_months) == (valuation, term_months):
        return own
    own.valuation, own.term_months = valuation, term_months
    own.save()
    _event(user, gemeente, f"bewaartermijn {default.name}: {own.term_label} (standaard {default.term_label})")
    return own


@transaction.atomic
def reset_term(user, gemeente: Tenant, code: str) -> ResultClass:
    """The gemeente follows the installation's default for ``code`` again."""
    _check(user, gemeente)
    default = _default(code)
    deleted, _ = ResultClass.objects.filter(code=code, gemeente=gemeente).delete()
    if deleted:
        _event(user, gemeente, f"bewaartermijn {default.name}: terug naar de standaard ({default.term_label})")
    return default


@transaction.atomic
def set_signal_rule(user, gemeente: Tenant, state: str, code: str) -> None:
    """Signals of ``gemeente`` that end in ``state`` get class ``code`` (the default rule when it is
    the default's class)."""
    _check(user, gemeente)
    rule = SignalRetentionRule.objects.filter(state=state, gemeente__isnull=True).select_related(
        "result_class").first()
    if rule is None:
        raise RetentionError(field_errors={"eindstatus": ["Voor deze eindstatus is geen bewaarregel."]})
    chosen = _default(code)
    if chosen.applies_to != rule.result_class.applies_to:
        raise RetentionError(field_errors={"resultaatklasse": [
            "Kies een resultaatklasse voor signalen."]})
    own = SignalRetentionRule.objects.select_for_update().filter(state=state, gemeente=gemeente).first()
    if chosen.pk == rule.result_class_id:
        if own is not None:
            own.delete()
            _event(user, gemeente, f"bewaarregel signaal: terug naar de standaard ({chosen.name})")
        return
    if own is not None and own.result_class_id == chosen.pk:
        return
    if own is None:
        own = SignalRetentionRule(state=state, gemeente=gemeente)
    own.result_class = chosen
    own.save()
    _event(user, gemeente, f"bewaarregel signaal: {chosen.name}")
