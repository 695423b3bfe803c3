from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.start, name="start"),
    path("werkvoorraad/", views.werkvoorraad, name="werkvoorraad"),
    path("te-beoordelen/", views.te_beoordelen, name="te_beoordelen"),
    path("bevragingen/", views.bevragingen, name="bevragingen"),
    path("mijn-casussen/", views.mijn_casussen, name="mijn_casussen"),
    path("mijn-acties/", views.mijn_acties, name="mijn_acties"),
    path("toezicht/", views.toezicht, name="toezicht"),
    path("bewaartermijnen/", views.bewaartermijnen, name="bewaartermijnen"),
    path("ondermijningsbeeld/", views.ondermijningsbeeld, name="ondermijningsbeeld"),
    path("beheer/", views.beheer, name="beheer"),
    path("mijn-meldingen/", views.mijn_meldingen, name="mijn_meldingen"),
    path("gebieden/", views.gebieden, name="gebieden"),
]
