from django.urls import path

from . import views

app_name = "health"
urlpatterns = [
    path("gezondheid/leeft", views.leeft, name="leeft"),
    path("gezondheid/gereed", views.gereed, name="gereed"),
    path("gezondheid/werker", views.werker, name="werker"),
    path("beheer/gezondheid/", views.gezondheid, name="gezondheid"),
]
