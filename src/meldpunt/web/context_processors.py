from functools import cache

from django.urls import resolve, reverse

from meldpunt import policy
from meldpunt.notifications import selectors as notification_selectors
from meldpunt.tenancy import current as current_gemeente

NAV_LABELS = {
    "werkvoorraad": "Werkvoorraad",
    "casussen": "Casussen",
    "casusoverleg": "Casusoverleggen",
    "te_beoordelen": "Te beoordelen",
    "bevragingen": "Bevragingen",
    "mijn_casussen": "Mijn casussen",
    "mijn_acties": "Mijn acties",
    "toezicht": "Toezicht",
    "bewaartermijnen": "Bewaartermijnen",
    "ondermijningsbeeld": "Ondermijningsbeeld",
    "beheer": "Beheer",
    "mijn_meldingen": "Mijn meldingen",
    "gebieden": "Gebieden",
    "signaal_melden": "Signaal registreren",
    "inzage": "Inzageverzoeken",
    "inzage_toezicht": "Inzageverzoeken",
}
# Pages whose URL lives outside the web app; pages without a label (detail pages) are not in the menu.
NAV_URLS = {"signaal_melden": "intake:signaal_nieuw", "casussen": "cases:casussen",
            "casusoverleg": "cases:overleggen", "inzage": "inzage:overzicht",
            "inzage_toezicht": "inzage:toezicht"}


@cache
def _target(page: str) -> tuple[str, str]:
    """The URL of the menu item for ``page`` and the access rule its view declares (@page). The
    menu checks the view's own rule, so it never offers a page that answers 'Geen toegang'."""
    url = reverse(NAV_URLS.get(page, f"web:{page}"))
    return url, getattr(resolve(url).func, "access_rule", "")


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    if getattr(request, "path", "").startswith("/inloggen/"):
        return {}
    items = []
    for page in policy.PAGE_ROLES:
        if page not in NAV_LABELS:
            continue
        url, rule = _target(page)
        # Fail closed: an item whose view declares no rule is left out, like a page without one.
        if not (policy.may_open(user, page) and rule and policy.may_open(user, rule)):
            continue
        items.append({"label": NAV_LABELS[page], "url": url, "current": request.path == url})
    context = {"nav_items": items, **gemeente(request)}
    if policy.may_open(user, "meldingen"):
        # One COUNT query per page (an index on recipient, read_at): the badge next to "Meldingen".
        url = reverse("notifications:meldingen")
        context["meldingen"] = {"url": url, "current": request.path == url,
                                "unread": notification_selectors.unread_count(user)}
    return context


def gemeente(request) -> dict:
    """The header's gemeente (ADR 0030 §4): its name for a person of one gemeente; the switcher's
    choices for a person of several. ``current_gemeente`` is None after "Al mijn gemeenten" (not
    ``gemeente``: the beeld's pages already use that name for the name of their gemeente)."""
    mine = current_gemeente.my_gemeenten(request)
    if not mine:
        return {}
    chosen, combined = current_gemeente.current_choice(request)
    record = getattr(request, "record_gemeente", None)
    context = {"current_gemeente": chosen, "gemeente_record": record}
    if len(mine) > 1:
        # Back to the same list after a choice; from a detail page (whose gemeente is the record's)
        # to the landing page, which reads the new choice.
        context.update(gemeente_choices=mine, gemeente_all=combined, gemeente_all_value=current_gemeente.ALL,
                       gemeente_all_label=current_gemeente.ALL_LABEL,
                       gemeente_next="" if record else request.path)
    return context
