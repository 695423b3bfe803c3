from django.urls import path

from . import views

app_name = "tenancy"
urlpatterns = [
    path("gemeente/", views.choose, name="kiezen"),
]
