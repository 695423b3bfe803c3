"""The Meldingen page: a person's own meldingen, newest first, and how they want to get them."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from meldpunt import policy
from meldpunt.web.access import page

from . import ics, selectors, services
from .forms import PreferenceForm
from .models import Mode


def _page(request, form=None, status=200):
    mode = selectors.mode(request.user)
    return render(request, "notifications/meldingen.html", {
        "notifications": selectors.own(request.user),
        "unread_by_kind": selectors.unread_by_kind(request.user),
        "form": form or PreferenceForm(initial={"mode": mode}),
        "mode_label": Mode(mode).label,
        # The FG and the auditor only look (P1): no "Alles gelezen" for them...
        "may_change": policy.may_change(request.user, "meldingen"),
        # ...but how they get their own meldingen is their own setting, no one's data: everyone.
        "may_change_preference": policy.may_change_own_notification_preference(request.user),
    }, status=status)


@page("meldingen")
def meldingen(request):
    return _page(request)


@page("meldingen")
def openen(request, pk):
    """Following a melding marks it read and goes to the work (a link within this site only)."""
    notification = selectors.own_one(request.user, pk)
    services.mark_read(request.user, notification.pk)
    link = notification.link
    if not (link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=None)):
        return redirect("notifications:meldingen")
    return redirect(notification.link)


@page("meldingen")
@require_POST
def alles_gelezen(request):
    n = services.mark_all_read(request.user)
    messages.info(request, f"{n} melding(en) gemarkeerd als gelezen." if n else "Er waren geen ongelezen meldingen.")
    return redirect("notifications:meldingen")


@page("meldingvoorkeur")
@require_POST
def voorkeur(request):
    form = PreferenceForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    preference = services.set_mode(request.user, form.cleaned_data["mode"])
    messages.info(request, f"Uw keuze is opgeslagen: {preference.get_mode_display()}.")
    return redirect("notifications:meldingen")


@page("meldingen")
def agenda_ics(request, pk):
    meeting = selectors.meeting_for_calendar(request.user, pk)
    response = HttpResponse(ics.calendar(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ics.filename(meeting)}"'
    return response
