from functools import cache

from django.urls import resolve, reverse

from meldpunt import policy
from meldpunt.notifications import selectors as notification_selectors

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
    context = {"nav_items": items}
    if policy.may_open(user, "meldingen"):
        # One COUNT query per page (an index on recipient, read_at): the badge next to "Meldingen".
        url = reverse("notifications:meldingen")
        context["meldingen"] = {"url": url, "current": request.path == url,
                                "unread": notification_selectors.unread_count(user)}
    return context
