"""The one DRF permission that applies the access policy (P1) to API views."""

from rest_framework import permissions

from meldpunt.accounts import policy


class PolicyPermission(permissions.BasePermission):
    """Allow a view when the policy lets the user open one of its rules: ``access_rules_by_action``
    (per viewset action), else ``access_rules``, else the single ``access_rule``. A change (POST, PUT,
    PATCH, DELETE) needs a role of the rule that is not read-only (``policy.may_change``)."""

    def has_permission(self, request, view):
        rules = getattr(view, "access_rules_by_action", {}).get(getattr(view, "action", None))
        rules = rules or getattr(view, "access_rules", None) or (getattr(view, "access_rule", None),)
        check = policy.may_open if request.method in permissions.SAFE_METHODS else policy.may_change
        return any(rule is not None and check(request.user, rule) for rule in rules)
