from django.urls import path

from . import views

app_name = "registries"
urlpatterns = [
    path("signalen/<str:reference>/betrokkenen/<int:mention_id>/koppelen/", views.koppelen, name="koppelen"),
]
