"""The switcher in the header (ADR 0030 §4): ``POST /gemeente/`` stores the gemeente a person
works for. Thin: the check and the session are ``tenancy.current.choose``."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from meldpunt.web.access import page

from . import current


def _next(request) -> str:
    wanted = request.POST.get("volgende", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return wanted
    return reverse("web:start")


@require_POST
@page("gemeente_kiezen")
def choose(request):
    current.choose(request, request.POST.get("gemeente", ""))
    return redirect(_next(request))
