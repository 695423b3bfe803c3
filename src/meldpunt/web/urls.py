from django.urls import path

from meldpunt.privacy import views as privacy_views
from meldpunt.privacy.retention import views as retention_views

from . import bewaartermijnen, gemeente, views

app_name = "web"
urlpatterns = [
    path("", views.start, name="start"),
    path("werkvoorraad/", views.werkvoorraad, name="werkvoorraad"),
    path("werkvoorraad/export.csv", views.werkvoorraad_export, name="werkvoorraad_export"),
    path("te-beoordelen/", views.te_beoordelen, name="te_beoordelen"),
    path("bevragingen/", views.bevragingen, name="bevragingen"),
    path("mijn-casussen/", views.mijn_casussen, name="mijn_casussen"),
    path("mijn-acties/", views.mijn_acties, name="mijn_acties"),
    path("toezicht/", privacy_views.toezicht, name="toezicht"),
    # The retention watchlist lives in the retention app (P4).
    path("bewaartermijnen/", retention_views.bewaartermijnen, name="bewaartermijnen"),
    path("ondermijningsbeeld/", views.ondermijningsbeeld, name="ondermijningsbeeld"),
    path("beheer/", views.beheer, name="beheer"),
    path("beheer/gemeente/", gemeente.gemeente, name="gemeente"),
    # Each gemeente's own retention terms (ADR 0030 §7).
    path("beheer/bewaartermijnen/", bewaartermijnen.bewaartermijnen, name="bewaartermijnen_instellen"),
    path("beheer/bewaartermijnen/termijn/", bewaartermijnen.termijn, name="bewaartermijnen_termijn"),
    path("beheer/bewaartermijnen/regel/", bewaartermijnen.regel, name="bewaartermijnen_regel"),
    path("mijn-meldingen/", views.mijn_meldingen, name="mijn_meldingen"),
    path("gebieden/", views.gebieden, name="gebieden"),
]
