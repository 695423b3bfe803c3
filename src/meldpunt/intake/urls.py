from django.urls import path

from . import import_views, subject_views, views

app_name = "intake"
urlpatterns = [
    path("melden/", views.melden, name="melden"),
    path("melden/bedankt/", views.bedankt, name="bedankt"),
    path("melden/aanvullen/", views.aanvullen, name="aanvullen"),
    path("melden/aanvullen/ontvangen/", views.aanvulling_ontvangen, name="aanvulling_ontvangen"),
    # The same public form for one gemeente of a regional installation (ADR 0030 §4); after the
    # fixed melden/ addresses above, so "bedankt" and "aanvullen" are never taken for a gemeente.
    path("melden/<slug:gemeente>/", views.melden, name="melden"),
    path("signalen/nieuw/", views.signaal_nieuw, name="signaal_nieuw"),
    path("signalen/importeren/", import_views.signalen_importeren, name="signalen_importeren"),
    # Subjects after intake (intake.subject_changes)
    path("signalen/<str:reference>/betrokkenen/nieuw/", subject_views.betrokkene_toevoegen,
         name="betrokkene_toevoegen"),
    path("signalen/<str:reference>/betrokkenen/<int:mention_id>/corrigeren/", subject_views.betrokkene_corrigeren,
         name="betrokkene_corrigeren"),
    path("signalen/<str:reference>/betrokkenen/<int:mention_id>/verwijderen/", subject_views.betrokkene_verwijderen,
         name="betrokkene_verwijderen"),
]
