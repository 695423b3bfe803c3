from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("meldingen/", views.meldingen, name="meldingen"),
    path("meldingen/<int:pk>/openen/", views.openen, name="openen"),
    path("meldingen/alles-gelezen/", views.alles_gelezen, name="alles_gelezen"),
    path("meldingen/voorkeur/", views.voorkeur, name="voorkeur"),
    path("casusoverleggen/<int:pk>/agenda.ics", views.agenda_ics, name="agenda_ics"),
]
