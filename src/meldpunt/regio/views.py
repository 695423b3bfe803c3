"""Pages of hit/no-hit between gemeenten: B's section in *Te beoordelen* and the weging of one
regional request, and the FG's *Regionale bevragingen*. Thin: reads through selectors, writes
through services."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from meldpunt.cases.meeting_views import Section
from meldpunt.core.errors import MeldpuntError
from meldpunt.web.access import page
from meldpunt.web.forms import add_service_errors

from . import selectors, services
from .forms import RvForm
from .models import RegionalRequestState


def regional_request_section(request) -> Section:
    """The privacyfunctionaris's 'Te beoordelen' section (web.views.TE_BEOORDELEN_SECTIONS)."""
    return Section("Regionale verzoeken (delen met een andere gemeente)",
                   "Een andere gemeente in de regio vroeg naar een betrokkene die uw gemeente kent. Zij weet alleen "
                   "dát u een treffer hebt. U weegt of en wat u deelt; gegevens van melders deelt u nooit.",
                   "regio/_verzoeken.html", list(selectors.pending_requests(request.user)),
                   "Er wachten geen regionale verzoeken op uw besluit.")


@page("bron_besluiten")
@require_http_methods(["GET", "POST"])
def regionaal_verzoek(request, pk):
    item = selectors.request_for_decision(request.user, pk)
    if item.state != RegionalRequestState.TE_BEOORDELEN:
        messages.info(request, "Over dit regionale verzoek is al besloten.")
        return redirect("web:te_beoordelen")
    signals = selectors.matched_signals(item)
    form = RvForm(request.POST or None, signals=signals, convenant=item.legal_basis)
    if request.method == "POST" and form.is_valid():
        try:
            services.weigh_request(request.user, item, form.data_input())
        except MeldpuntError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Uw besluit over het verzoek van {item.from_gemeente.naam} is vastgelegd.")
            return redirect("web:te_beoordelen")
    return render(request, "regio/verzoek.html", {"item": item, "form": form, "signals": signals})


@page("toezicht")
def regionale_bevragingen(request):
    return render(request, "regio/bevragingen.html", {
        "outgoing": selectors.outgoing(request.user), "incoming": selectors.incoming(request.user),
        "per_week": selectors.incoming_per_week(request.user)})
