from django.urls import path

from . import views
from .research import views as research_views

app_name = "protocol"
urlpatterns = [
    path("signalen/<str:reference>/", views.signaal, name="signaal"),
    path("signalen/<str:reference>/stap-1/", views.stap1, name="stap1"),
    path("signalen/<str:reference>/stap-2/", views.stap2, name="stap2"),
    path("signalen/<str:reference>/weging-4/", views.weging4, name="weging4"),
    path("signalen/<str:reference>/doorzenden/", views.doorzenden, name="doorzenden"),
    path("signalen/<str:reference>/doorzendingen/<int:forward_id>/brief.pdf", views.brief, name="brief"),
    path("signalen/<str:reference>/versleuteld/", views.versleuteld, name="versleuteld"),
    path("signalen/<str:reference>/contact-melder/", views.contact_melder, name="contact_melder"),
    path("signalen/<str:reference>/overgang/", views.overgang, name="overgang"),
    # Bronnenonderzoek (step 3)
    path("signalen/<str:reference>/bronnen/", research_views.bronnen_aanvragen, name="bronnen_aanvragen"),
    path("signalen/<str:reference>/bronnen/<int:pk>/opnieuw/", research_views.bron_opnieuw, name="bron_opnieuw"),
    path("signalen/<str:reference>/bronnen/hits/<int:hit_id>/details/", research_views.details_aanvragen,
         name="details_aanvragen"),
    path("signalen/<str:reference>/bronnen/details/<int:pk>/", research_views.details, name="bron_details"),
    path("bronverzoeken/<int:pk>/privacytoets/", research_views.bron_pc1, name="bron_pc1"),
    path("bronverzoeken/details/<int:pk>/besluit/", research_views.bron_details_besluit,
         name="bron_details_besluit"),
    path("bevragingen/<int:pk>/antwoord/", research_views.bevraging_beantwoorden, name="bevraging_beantwoorden"),
    path("bevragingen/details/<int:pk>/leveren/", research_views.gegevens_leveren, name="gegevens_leveren"),
]
