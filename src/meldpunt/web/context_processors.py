from django.urls import reverse

from meldpunt.accounts import policy

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


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    if getattr(request, "path", "").startswith("/inloggen/"):
        return {}
    items = []
    for page in policy.pages_for(user):
        if page not in NAV_LABELS:
            continue
        url = reverse(NAV_URLS.get(page, f"web:{page}"))
        items.append({"label": NAV_LABELS[page], "url": url, "current": request.path == url})
    return {"nav_items": items}
