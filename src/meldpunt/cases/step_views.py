"""Steps of the signal table that the cases app takes, on pages reached from the signal page:
``casus_koppelen`` (a signal in bronnenonderzoek joins an existing casus, with its weging 4 on the
casus). Thin: one service call per step (cases.services.link_signal takes the weging, the link and
the signal's transition in one transaction)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from meldpunt.core.errors import MeldpuntError
from meldpunt.intake import selectors as intake_selectors
from meldpunt.protocol import pages as protocol_pages
from meldpunt.protocol import selectors as protocol_selectors
from meldpunt.protocol.transitions import SIGNAL_STATE_LABELS
from meldpunt.web.access import page
from meldpunt.web.forms import add_service_errors

from . import selectors, services
from .forms import JoinCasusForm

# Registered with the protocol's step pages in CasesConfig.ready (the signal page offers it).
JOIN_PAGE = "cases:signaal_koppelen"


@page("casussen")
@require_http_methods(["GET", "POST"])
def signaal_koppelen(request, reference):
    signal = intake_selectors.signal_for(request.user, reference)
    refused, may_decide = protocol_pages.refusals(request.user, signal, JOIN_PAGE)
    if not refused and not may_decide:  # another status: the table has no such row from here
        messages.info(request, "Alleen een signaal in bronnenonderzoek kan aan een casus worden gekoppeld.")
        return redirect("protocol:signaal", reference)
    known = protocol_selectors.known_for_weging(signal, "W4")
    form = JoinCasusForm(request.POST or None, cases=selectors.joinable_cases(request.user),
                         initial={k: v for k, v in known.items() if k in ("purpose", "legal_basis", "reasoning")})
    if request.method == "POST" and may_decide and form.is_valid():
        casus = form.cleaned_data["casus"]
        try:
            services.link_signal(request.user, casus, signal, form.weging())
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Signaal {signal.reference} hoort nu bij casus {casus.reference}.")
            return redirect("cases:casus", casus.reference)
    return render(request, "cases/signaal_koppelen.html", {
        "signal": signal, "state_label": SIGNAL_STATE_LABELS.get(signal.state, signal.state),
        "form": form, "refused": refused, "may_decide": may_decide})
