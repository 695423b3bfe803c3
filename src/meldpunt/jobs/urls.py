from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("beheer/achtergrondtaken/", views.achtergrondtaken, name="achtergrondtaken"),
    path("beheer/achtergrondtaken/<int:pk>/opnieuw/", views.opnieuw, name="opnieuw"),
    path("beheer/achtergrondtaken/schema/<slug:key>/starten/", views.nu_starten, name="nu_starten"),
    path("achtergrondtaken/<int:pk>/", views.taak, name="taak"),
]
