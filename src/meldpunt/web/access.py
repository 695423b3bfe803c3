"""Gate views by the access policy (P1): every page names its rule in meldpunt.policy."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from meldpunt import policy

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def page(name: str):
    """Gate a view by the access policy's rule for page ``name``."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not policy.may_open(request.user, name):
                raise PermissionDenied("U hebt geen rol die deze pagina mag openen.")
            if request.method not in SAFE_METHODS and not policy.may_change(request.user, name):
                raise PermissionDenied("Met uw rol kunt u hier alleen kijken, niet wijzigen.")
            return view(request, *args, **kwargs)

        wrapper.access_rule = name
        return wrapper

    return decorator
