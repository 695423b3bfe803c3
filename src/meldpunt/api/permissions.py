"""The one DRF permission that applies the access policy (P1) to API views."""

from rest_framework import permissions

from meldpunt import policy


def rules_for(view) -> tuple:
    """The policy rules of a view: ``access_rules_by_action`` (per viewset action), else
    ``access_rules``, else the single ``access_rule``. Also names the rule of a refusal in the
    security log (meldpunt.privacy.refusals)."""
    rules = getattr(view, "access_rules_by_action", {}).get(getattr(view, "action", None))
    rules = rules or getattr(view, "access_rules", None) or (getattr(view, "access_rule", None),)
    return tuple(rule for rule in rules if rule is not None)


class PolicyPermission(permissions.BasePermission):
    """Allow a view when the policy lets the user open one of its rules (``rules_for``). A change
    (POST, PUT, PATCH, DELETE) needs a role of the rule that is not read-only (``policy.may_change``).
    A refusal is answered and logged as a security event by the exception handler (problems.py)."""

    message = "Uw rol geeft geen toegang tot dit onderdeel van de API."

    def has_permission(self, request, view):
        check = policy.may_open if request.method in permissions.SAFE_METHODS else policy.may_change
        return any(check(request.user, rule) for rule in rules_for(view))
