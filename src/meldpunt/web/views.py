"""Landing pages per role. Thin: data comes from selectors, access from the policy."""


from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from meldpunt import policy
from meldpunt.accounts import oidc
from meldpunt.accounts.roles import PROFILE_BY_ROLE
from meldpunt.cases import meeting_views as case_meeting_views
from meldpunt.cases import views as case_views
from meldpunt.core import csvexport
from meldpunt.intake import selectors as intake_selectors
from meldpunt.intake.errors import ExportTooLarge
from meldpunt.intake.forms import QueueFilterForm
from meldpunt.protocol import pages as step_pages
from meldpunt.protocol.research import views as research_views
from meldpunt.protocol.transitions import SIGNAL_STATE_LABELS
from meldpunt.regio import views as regio_views
from meldpunt.registries import selectors as registry_selectors
from meldpunt.tenancy.current import gemeente_scope

from .access import page


@login_required
def start(request):
    """Send each user to the page of their first role (design §5a)."""
    for role in request.user.ordered_roles():
        return redirect(reverse(PROFILE_BY_ROLE[role].landing_url_name))
    return render(request, "web/no_role.html", status=403)


@page("werkvoorraad")
def werkvoorraad(request):
    scope = gemeente_scope(request)
    counts, overdue = intake_selectors.queue_summary(request.user, scope)
    states = [(state, label) for state, label in SIGNAL_STATE_LABELS.items() if state in counts]
    form = QueueFilterForm(request.GET or None, states=states)
    filters = form.to_filter()
    pages = Paginator(intake_selectors.queue(request.user, filters, scope), 25)
    if filters == intake_selectors.QueueFilter():
        # Unfiltered, the queue holds exactly the signals counted per state: no second count.
        pages.count = sum(counts.values())
    current = pages.get_page(request.GET.get("pagina"))
    # The step a row is waiting for, when this user may take it: one click from the queue (issue 12).
    current.object_list = list(current.object_list)
    for signal in current.object_list:
        signal.step_page = next(iter(step_pages.offered(request.user, signal)), None)
        # The step's name looked up once here, not by a loop over every label in each row's template.
        signal.state_label = SIGNAL_STATE_LABELS.get(signal.state, "")
    query = request.GET.copy()
    query.pop("pagina", None)
    cards = [(SIGNAL_STATE_LABELS.get(state, state), n) for state, n in counts.items()]
    return render(request, "web/werkvoorraad.html", {
        "form": form, "page": current, "query": query.urlencode(), "cards": cards,
        "overdue": overdue, "today": timezone.localdate(), "may_import": policy.may_open(request.user, "bulkimport"),
        "show_gemeente": len(scope) > 1,
    })


# Export columns: what a queue row shows, no personal data (the log still names the signals).
EXPORT_COLUMNS = ("kenmerk", "ontvangen", "kanaal", "fenomeen", "buurtcode", "buurt", "stap", "uiterlijk")
# With a scope of several gemeenten (ADR 0030 §10) each row says whose signal it is, by name.
EXPORT_COLUMNS_REGIONAL = ("kenmerk", "gemeente", *EXPORT_COLUMNS[1:])


@page("werkvoorraad")
def werkvoorraad_export(request):
    """The werkvoorraad with the current filter as CSV: the same selector, so the same rows."""
    scope = gemeente_scope(request)
    form = QueueFilterForm(request.GET or None, states=list(SIGNAL_STATE_LABELS.items()))
    try:
        signals = intake_selectors.export(request.user, form.to_filter(), scope)
    except ExportTooLarge as error:
        messages.error(request, str(error))
        return redirect(f"{reverse('web:werkvoorraad')}?{request.GET.urlencode()}")
    regional = len(scope) > 1
    rows = ([s.reference, *([s.gemeente.naam] if regional else []),
             timezone.localtime(s.received_at).strftime("%Y-%m-%d %H:%M"), s.get_channel_display(),
             s.phenomenon.name, s.buurt_id or "", s.buurt.naam if s.buurt_id else "",
             SIGNAL_STATE_LABELS.get(s.state, s.state), s.deadline.isoformat() if s.deadline else ""]
            for s in signals)
    return csvexport.response("werkvoorraad.csv", EXPORT_COLUMNS_REGIONAL if regional else EXPORT_COLUMNS, rows)


@page("mijn_meldingen")
def mijn_meldingen(request):
    return render(request, "web/mijn_meldingen.html", {"signals": intake_selectors.own_signals(request.user),
                                                     "state_labels": SIGNAL_STATE_LABELS})


@page("ondermijningsbeeld")
def ondermijningsbeeld(request):
    from meldpunt.insight.views import overview  # the insight app owns the ondermijningsbeeld

    return overview(request)


@page("gebieden")
def gebieden(request):
    return render(request, "web/gebieden.html", {"buurten": registry_selectors.buurten()[:500]})


# 'Te beoordelen': one section per kind of decision of the privacyfunctionaris; each provider
# takes the request and returns a Section (cases.meeting_views); source requests (PC1) add theirs.
TE_BEOORDELEN_SECTIONS = [research_views.pc1_section, case_meeting_views.release_section,
                          regio_views.regional_request_section]


@page("te_beoordelen")
def te_beoordelen(request):
    return render(request, "web/te_beoordelen.html",
                  {"sections": [section(request) for section in TE_BEOORDELEN_SECTIONS]})


# The bronhouder's questions live with bronnenonderzoek (protocol app).
bevragingen = research_views.bevragingen


# The participant's and the uitvoerder's landing pages live with the casus (cases app).
mijn_casussen = case_meeting_views.mijn_casussen
mijn_acties = case_views.mijn_acties


@page("beheer")
def beheer(request):
    return render(request, "web/beheer.html", {
        "counts": registry_selectors.registry_counts(),
        # Sign-in through the identity provider: which group gives which role (read-only here: the
        # installation's settings decide, docs/adr/0027).
        "oidc": settings.MELDPUNT_OIDC, "oidc_map": oidc.role_map(), "local_login": settings.MELDPUNT_LOCAL_LOGIN,
        "oidc_groups_claim": settings.MELDPUNT_OIDC_GROUPS_CLAIM,
        "oidc_mfa": [*settings.MELDPUNT_OIDC_MFA_ACR, *settings.MELDPUNT_OIDC_MFA_AMR],
    })
