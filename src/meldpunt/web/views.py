"""Landing pages per role. Thin: data comes from selectors, access from the policy."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from meldpunt.accounts.roles import PROFILE_BY_ROLE
from meldpunt.intake import selectors as intake_selectors
from meldpunt.intake.forms import QueueFilterForm
from meldpunt.protocol.transitions import SIGNAL_STATE_LABELS
from meldpunt.registries import selectors as registry_selectors

from .access import page


@login_required
def start(request):
    """Send each user to the page of their first role (design §5a)."""
    for role in request.user.ordered_roles():
        return redirect(reverse(PROFILE_BY_ROLE[role].landing_url_name))
    return render(request, "web/no_role.html", status=403)


def _placeholder(request, title, intro, empty):
    return render(request, "web/placeholder.html", {"title": title, "intro": intro, "empty": empty})


@page("werkvoorraad")
def werkvoorraad(request):
    counts, overdue = intake_selectors.queue_summary(request.user)
    states = [(state, label) for state, label in SIGNAL_STATE_LABELS.items() if state in counts]
    form = QueueFilterForm(request.GET or None, states=states)
    filters = form.to_filter()
    pages = Paginator(intake_selectors.queue(request.user, filters), 25)
    if filters == intake_selectors.QueueFilter():
        # Unfiltered, the queue holds exactly the signals counted per state: no second count.
        pages.count = sum(counts.values())
    current = pages.get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    cards = [(SIGNAL_STATE_LABELS.get(state, state), n) for state, n in counts.items()]
    return render(request, "web/werkvoorraad.html", {
        "form": form, "page": current, "query": query.urlencode(), "cards": cards,
        "overdue": overdue, "today": timezone.localdate(),
        "state_labels": SIGNAL_STATE_LABELS,
    })


@page("mijn_meldingen")
def mijn_meldingen(request):
    return render(request, "web/mijn_meldingen.html", {"signals": intake_selectors.own_signals(request.user)})


@page("ondermijningsbeeld")
def ondermijningsbeeld(request):
    return render(
        request,
        "web/ondermijningsbeeld.html",
        {"gemeenten": registry_selectors.gemeenten(), "wijken": registry_selectors.wijken()[:200],
         "counts": registry_selectors.registry_counts()},
    )


@page("gebieden")
def gebieden(request):
    return render(request, "web/gebieden.html", {"buurten": registry_selectors.buurten()[:500]})


@page("te_beoordelen")
def te_beoordelen(request):
    return _placeholder(
        request, "Te beoordelen",
        "Hier staan de verzoeken om bronnen te raadplegen (PC1) en de vrijgaven aan deelnemers "
        "(PC2A/PC2B) die op uw besluit wachten, met het doel en de gevraagde gegevens.",
        "Er wachten nu geen verzoeken op uw besluit.",
    )


@page("bevragingen")
def bevragingen(request):
    return _placeholder(
        request, "Bevragingen",
        "Hier beantwoordt u als bronhouder hit/no-hit-vragen over uw bron en levert u na "
        "goedkeuring alleen de goedgekeurde gegevens.",
        "Er staan geen vragen voor uw bron open.",
    )


@page("mijn_casussen")
def mijn_casussen(request):
    return _placeholder(
        request, "Mijn casussen",
        "Hier ziet u de casussen en agenda's van casusoverleggen waarvoor u bent uitgenodigd, "
        "met alleen de gegevens die voor u zijn vrijgegeven.",
        "U bent nog niet uitgenodigd voor een casusoverleg.",
    )


@page("mijn_acties")
def mijn_acties(request):
    return _placeholder(
        request, "Mijn acties",
        "Hier staan de interventies die u uitvoert, met wat voor uw interventie is vrijgegeven.",
        "Er staan geen interventies op uw naam.",
    )


@page("toezicht")
def toezicht(request):
    return _placeholder(
        request, "Toezicht",
        "Hier ziet u als functionaris gegevensbescherming het verwerkingslog, de wegingen, de "
        "bewaartermijnen en de inzageverzoeken. U kunt alles inzien en niets wijzigen.",
        "Er zijn nog geen verwerkingen om te tonen.",
    )


@page("bewaartermijnen")
def bewaartermijnen(request):
    return _placeholder(
        request, "Bewaartermijnen",
        "Hier stelt u vernietigingslijsten op, beoordeelt u ze en voert u ze uit.",
        "Er verlopen nu geen bewaartermijnen.",
    )


@page("beheer")
def beheer(request):
    return render(request, "web/beheer.html", {"counts": registry_selectors.registry_counts()})
