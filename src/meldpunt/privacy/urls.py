from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("toezicht/verwerkingslog/", views.verwerkingslog, name="verwerkingslog"),
    path("toezicht/verwerkingslog/export.csv", views.verwerkingslog_export, name="verwerkingslog_export"),
    path("toezicht/verwerkingslog/verwerking/<str:trace_id>/", views.verwerking, name="verwerking"),
    path("toezicht/beveiligingslog/", views.beveiligingslog, name="beveiligingslog"),
    path("toezicht/beveiligingslog/export.csv", views.beveiligingslog_export, name="beveiligingslog_export"),
]
