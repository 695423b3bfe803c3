"""The one DRF permission that applies the access policy (P1) to API views."""

from rest_framework import permissions

from meldpunt.accounts import policy


class PolicyPermission(permissions.BasePermission):
    """Allow a view when the policy lets the user open one of its rules: ``access_rules_by_action``
    (per viewset action), else ``access_rules``, else the single ``access_rule``."""

    def has_permission(self, request, view):
        rules = getattr(view, "access_rules_by_action", {}).get(getattr(view, "action", None))
        rules = rules or getattr(view, "access_rules", None) or (getattr(view, "access_rule", None),)
        return any(rule is not None and policy.may_open(request.user, rule) for rule in rules)
