from django.urls import path

from . import meeting_views, reports, step_views, views
from .network import views as network_views

app_name = "cases"
urlpatterns = [
    path("casussen/", views.casussen, name="casussen"),
    path("casussen/rapportages/", reports.rapportages, name="rapportages"),
    path("casussen/rapportages/<str:kind>.<str:fmt>", reports.export, name="rapportage_export"),
    path("casussen/<str:reference>/", views.casus, name="casus"),
    path("casussen/<str:reference>/overgang/", views.overgang, name="overgang"),
    path("casussen/<str:reference>/netwerk/", network_views.netwerk, name="netwerk"),
    path("casussen/<str:reference>/netwerk.ftm.json", network_views.netwerk_ftm, name="netwerk_ftm"),
    path("casussen/<str:reference>/netwerk.gexf", network_views.netwerk_gexf, name="netwerk_gexf"),
    path("casussen/<str:reference>/regie/", views.regie, name="regie"),
    path("casussen/<str:reference>/team/", views.team, name="team"),
    path("casussen/<str:reference>/koppelen/", views.koppelen, name="koppelen"),
    path("casussen/<str:reference>/afsluiten/", views.afsluiten, name="afsluiten"),
    path("casussen/<str:reference>/heropenen/", views.heropenen, name="heropenen"),
    path("casussen/<str:reference>/interventies/nieuw/", views.interventie_nieuw, name="interventie_nieuw"),
    path("casussen/<str:reference>/interventies/<int:pk>/vrijgave/", views.interventie_vrijgave,
         name="interventie_vrijgave"),
    path("signalen/<str:reference>/koppelen-aan-casus/", step_views.signaal_koppelen, name="signaal_koppelen"),
    path("casusoverleggen/", meeting_views.overleggen, name="overleggen"),
    path("casusoverleggen/<int:pk>/", meeting_views.overleg, name="overleg"),
    path("casusoverleggen/<int:pk>/agenda/", meeting_views.agenderen, name="agenderen"),
    path("casusoverleggen/<int:pk>/uitnodigen/", meeting_views.uitnodigen, name="uitnodigen"),
    path("casusoverleggen/<int:pk>/aanwezigheid/", meeting_views.aanwezigheid, name="aanwezigheid"),
    path("casusoverleggen/<int:pk>/punten/<int:item_pk>/verslag/", meeting_views.verslag, name="verslag"),
    path("casusoverleggen/<int:pk>/punten/<int:item_pk>/vrijgave/<int:participant_pk>/",
         meeting_views.vrijgave_vragen, name="vrijgave_vragen"),
    path("casusoverleggen/<int:pk>/deelnemers/<int:participant_pk>/agenda.pdf", meeting_views.agenda_pdf,
         name="agenda_pdf"),
    path("vrijgaven/<int:pk>/", meeting_views.vrijgave_besluiten, name="vrijgave_besluiten"),
    path("mijn-casussen/overleggen/<int:pk>/agenda.pdf", meeting_views.mijn_agenda_pdf, name="mijn_agenda_pdf"),
    path("mijn-acties/<int:pk>/", views.actie, name="actie"),
]
