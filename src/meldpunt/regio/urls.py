from django.urls import path

from . import views

app_name = "regio"

urlpatterns = [
    path("te-beoordelen/regionaal/<int:pk>/", views.regionaal_verzoek, name="regionaal_verzoek"),
    path("toezicht/regionale-bevragingen/", views.regionale_bevragingen, name="regionale_bevragingen"),
]
