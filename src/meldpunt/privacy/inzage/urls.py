from django.urls import path

from . import views

app_name = "inzage"
urlpatterns = [
    path("inzageverzoeken/", views.overzicht, name="overzicht"),
    path("inzageverzoeken/nieuw/", views.nieuw, name="nieuw"),
    path("inzageverzoeken/herbeoordelen/", views.herbeoordelen, name="herbeoordelen"),
    path("inzageverzoeken/herbeoordelen/<int:item_id>/", views.herbeoordeling, name="herbeoordeling"),
    path("inzageverzoeken/<str:reference>/", views.verzoek, name="verzoek"),
    path("inzageverzoeken/<str:reference>/zoeken/", views.zoeken, name="zoeken"),
    path("inzageverzoeken/<str:reference>/verlengen/", views.verlengen, name="verlengen"),
    path("inzageverzoeken/<str:reference>/onderdeel/<int:item_id>/", views.besluit, name="besluit"),
    path("inzageverzoeken/<str:reference>/afhandelen/", views.afhandelen, name="afhandelen"),
    path("inzageverzoeken/<str:reference>/antwoord/maken/", views.pakket_maken, name="pakket_maken"),
    path("inzageverzoeken/<str:reference>/antwoord.json", views.pakket_json, name="pakket_json"),
    path("inzageverzoeken/<str:reference>/antwoord.pdf", views.pakket_pdf, name="pakket_pdf"),
    path("toezicht/inzageverzoeken/", views.toezicht, name="toezicht"),
    path("toezicht/inzageverzoeken/<str:reference>/", views.toezicht_verzoek, name="toezicht_verzoek"),
]
