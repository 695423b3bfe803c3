from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=False)
router.register("gemeenten", views.GemeenteViewSet, basename="gemeente")
router.register("wijken", views.WijkViewSet, basename="wijk")
router.register("buurten", views.BuurtViewSet, basename="buurt")

schema_view = SpectacularJSONAPIView.as_view(permission_classes=[], authentication_classes=[])

app_name = "api"
urlpatterns = [
    path("schema/", schema_view, name="schema"),
    path("openapi.json", schema_view, name="openapi"),
    path("ik", views.MeView.as_view(), name="me"),
    path("", include(router.urls)),
]
