"""The linking page: the candidates in the registries for one subject mentioned in a signal,
and a person's judgement on each (confirm or reject). Thin: reads via selectors (which check
access, the approved privacy check 1 and log), writes via services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from meldpunt import policy
from meldpunt.core.errors import MeldpuntError, NotAllowed
from meldpunt.intake import selectors as intake_selectors
from meldpunt.intake.models import MentionedSubject
from meldpunt.web.access import page

from . import selectors, services
from .errors import LinkingError, SourceResearchNeeded
from .forms import JudgementForm
from .models import LinkVerdict


def _candidates(user, mention):
    """(what may be shown, reason shown instead of candidates)."""
    try:
        return selectors.link_candidates(user, mention), ""
    except SourceResearchNeeded as gate:
        return None, str(gate)


def _judge(user, mention, found, rows, form) -> None:
    """Record the judgement on one of the candidates shown (score and reasons as proposed)."""
    d = form.cleaned_data
    judge = services.confirm_link if d["verdict"] == LinkVerdict.BEVESTIGD else services.reject_link
    extra = {"explanation": d["explanation"]} if d["verdict"] == LinkVerdict.AFGEWEZEN else {}
    candidate = next((c for c, _ in rows if c.key and c.key == d["entity_key"]), None)
    if candidate is None and not (found and found.may_judge):
        # Nothing on the page may be judged yet: the service says why (PC1 or details).
        services.check_may_judge(user, mention)
    if candidate is None:
        raise LinkingError(services.NOT_A_CANDIDATE)
    judge(user, mention, candidate.key, score=candidate.score, reasons=candidate.reasons, **extra)


@page("koppelen")
@require_http_methods(["GET", "POST"])
def koppelen(request, reference, mention_id):
    signal = intake_selectors.signal_for(request.user, reference, action="koppelen_inzien")
    mention = get_object_or_404(MentionedSubject, pk=mention_id, signal=signal)
    try:
        found, blocked = _candidates(request.user, mention)
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from None
    rows = found.rows if found else []
    error, error_key = "", ""
    if request.method == "POST":
        form = JudgementForm(request.POST)
        if not form.is_valid():
            error, error_key = "Kies bevestigen of afwijzen bij een kandidaat. Er is niets vastgelegd.", ""
        else:
            try:
                _judge(request.user, mention, found, rows, form)
            except MeldpuntError as refused:
                key = form.cleaned_data["entity_key"]
                # Shown at the candidate's own form when it is on the page, else at the top.
                error, error_key = str(refused), key if key and any(c.key == key for c, _ in rows) else ""
            else:
                done = "bevestigd" if form.cleaned_data["verdict"] == LinkVerdict.BEVESTIGD else "afgewezen"
                messages.success(request, f"De koppeling is {done} en vastgelegd.")
                return redirect("registries:koppelen", reference, mention.pk)
    confirmed = selectors.confirmed_link(mention)
    hit = bool(found and found.hit is True)
    return render(request, "registries/koppelen.html", {
        "signal": signal, "mention": mention, "rows": rows, "blocked": blocked, "found": found,
        "may_judge": bool(found and found.may_judge),
        # Only behind a hit: after "geen treffer" the notice would hint that the registry holds something.
        "details_needed": selectors.details_needed_message(mention) if hit and not found.fields else "",
        # Details are asked behind the hit by whom the policy lets (protocol.research.request_details).
        "hit_id": found.hit_id if hit and policy.may_request_details(request.user, signal) else None,
        "confirmed": confirmed,
        "confirmed_key": confirmed.entity_key if confirmed and found and found.may_judge else "",
        "error": error, "error_key": error_key,
        "explanation": request.POST.get("explanation", "") if error_key else "",
    }, status=422 if error else 200)
