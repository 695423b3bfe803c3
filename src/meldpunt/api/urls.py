from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.routers import SimpleRouter

from meldpunt.cases import api as cases_api
from meldpunt.intake import api as intake_api
from meldpunt.privacy import api as privacy_api
from meldpunt.protocol import api as protocol_api

from . import views

router = SimpleRouter(trailing_slash=False)
router.register("gemeenten", views.GemeenteViewSet, basename="gemeente")
router.register("wijken", views.WijkViewSet, basename="wijk")
router.register("buurten", views.BuurtViewSet, basename="buurt")
router.register("signalen", intake_api.SignalViewSet, basename="signaal")

schema_view = SpectacularJSONAPIView.as_view(permission_classes=[], authentication_classes=[])
SIGNAAL = rf"^signalen/(?P<kenmerk>{intake_api.KENMERK_REGEX})"

app_name = "api"
urlpatterns = [
    path("schema/", schema_view, name="schema"),
    path("openapi.json", schema_view, name="openapi"),
    path("ik", views.MeView.as_view(), name="me"),
    path("fenomenen", intake_api.FenomeenListView.as_view(), name="fenomenen"),
    path("bestemmingen", protocol_api.BestemmingListView.as_view(), name="bestemmingen"),
    path("imports", intake_api.ImportView.as_view(), name="imports"),
    path("partner/signalen", intake_api.PartnerSignalView.as_view(), name="partner-signalen"),
    re_path(rf"{SIGNAAL}/wegingen$", protocol_api.WegingView.as_view(), name="signaal-wegingen"),
    re_path(rf"{SIGNAAL}/overgangen$", protocol_api.OvergangView.as_view(), name="signaal-overgangen"),
    re_path(rf"{SIGNAAL}/doorzendingen$", protocol_api.DoorzendingView.as_view(), name="signaal-doorzendingen"),
    re_path(rf"{SIGNAAL}/versleuteld-inzien$", protocol_api.VersleuteldInzienView.as_view(),
            name="signaal-versleuteld-inzien"),
    path("logboek/verwerkingen", privacy_api.VerwerkingenView.as_view(), name="logboek-verwerkingen"),
    path("casussen", cases_api.CasusListView.as_view(), name="casussen"),
    re_path(rf"^casussen/(?P<kenmerk>{cases_api.CASUS_KENMERK_REGEX})$", cases_api.CasusDetailView.as_view(),
            name="casus"),
    path("mijn-casussen", cases_api.MijnCasussenView.as_view(), name="mijn-casussen"),
    path("mijn-acties", cases_api.MijnActiesView.as_view(), name="mijn-acties"),
    path("", include(router.urls)),
]
