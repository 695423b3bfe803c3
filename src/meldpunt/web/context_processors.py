from django.urls import reverse

from meldpunt.accounts import policy

NAV_LABELS = {
    "werkvoorraad": "Werkvoorraad",
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
}


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    if getattr(request, "path", "").startswith("/inloggen/"):
        return {}
    items = []
    for page in policy.pages_for(user):
        url = reverse(f"web:{page}")
        items.append({"label": NAV_LABELS[page], "url": url, "current": request.path == url})
    return {"nav_items": items}
