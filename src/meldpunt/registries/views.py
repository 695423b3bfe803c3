"""The linking page: the candidates in the registries for one subject mentioned in a signal,
and a person's judgement on each (confirm or reject). Thin: reads via selectors (which check
access, the approved privacy check 1 and log), writes via services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from meldpunt.intake import selectors as intake_selectors
from meldpunt.intake.models import MentionedSubject
from meldpunt.web.access import page

from . import selectors, services
from .forms import JudgementForm
from .models import LinkVerdict


def _candidates(user, mention):
    """(rows, reason shown instead of candidates)."""
    try:
        _, rows = selectors.link_candidates(user, mention)
    except selectors.SourceResearchNeeded as gate:
        return [], str(gate)
    return rows, ""


def _judge(user, mention, rows, form) -> None:
    """Record the judgement on one of the candidates shown (score and reasons as proposed)."""
    d = form.cleaned_data
    candidate = next((c for c, _ in rows if c.key == d["entity_key"]), None)
    if candidate is None:
        raise services.LinkingError("Deze registratie staat niet (meer) bij de kandidaten. Er is niets vastgelegd.")
    judge = services.confirm_link if d["verdict"] == LinkVerdict.BEVESTIGD else services.reject_link
    extra = {"explanation": d["explanation"]} if d["verdict"] == LinkVerdict.AFGEWEZEN else {}
    judge(user, mention, candidate.key, score=candidate.score, reasons=candidate.reasons, **extra)


@page("koppelen")
@require_http_methods(["GET", "POST"])
def koppelen(request, reference, mention_id):
    signal = intake_selectors.signal_for(request.user, reference, action="koppelen_inzien")
    mention = get_object_or_404(MentionedSubject, pk=mention_id, signal=signal)
    try:
        rows, blocked = _candidates(request.user, mention)
    except services.NotAllowed as error:
        raise PermissionDenied(str(error)) from None
    error, error_key = "", ""
    if request.method == "POST":
        form = JudgementForm(request.POST)
        if not form.is_valid():
            error, error_key = "Kies bevestigen of afwijzen bij een kandidaat. Er is niets vastgelegd.", ""
        else:
            try:
                _judge(request.user, mention, rows, form)
            except services.LinkingError as refused:
                key = form.cleaned_data["entity_key"]
                # Shown at the candidate's own form when it is on the page, else at the top.
                error, error_key = str(refused), key if any(c.key == key for c, _ in rows) else ""
            else:
                done = "bevestigd" if form.cleaned_data["verdict"] == LinkVerdict.BEVESTIGD else "afgewezen"
                messages.success(request, f"De koppeling is {done} en vastgelegd.")
                return redirect("registries:koppelen", reference, mention.pk)
    return render(request, "registries/koppelen.html", {
        "signal": signal, "mention": mention, "rows": rows, "blocked": blocked,
        "confirmed": selectors.confirmed_link(mention), "error": error, "error_key": error_key,
        "explanation": request.POST.get("explanation", "") if error_key else "",
    }, status=422 if error else 200)
