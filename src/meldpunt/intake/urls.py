from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("melden/", views.melden, name="melden"),
    path("melden/bedankt/", views.bedankt, name="bedankt"),
    path("melden/aanvullen/", views.aanvullen, name="aanvullen"),
    path("melden/aanvullen/ontvangen/", views.aanvulling_ontvangen, name="aanvulling_ontvangen"),
    path("signalen/nieuw/", views.signaal_nieuw, name="signaal_nieuw"),
]
