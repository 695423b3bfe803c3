from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("meldpunt.accounts.urls")),
    path("", include("meldpunt.web.urls")),
    path("", include("meldpunt.intake.urls")),
    path("", include("meldpunt.protocol.urls")),
    path("", include("meldpunt.cases.urls")),
    path("", include("meldpunt.regio.urls")),
    path("", include("meldpunt.privacy.urls")),
    path("", include("meldpunt.privacy.retention.urls")),
    path("", include("meldpunt.privacy.inzage.urls")),
    path("", include("meldpunt.notifications.urls")),
    path("", include("meldpunt.insight.urls")),
    path("", include("meldpunt.registries.urls")),
    path("", include("meldpunt.health.urls")),
    path("", include("meldpunt.jobs.urls")),
    path("", include("meldpunt.tenancy.urls")),
    path("api/v1/", include("meldpunt.api.urls")),
    path("beheer/admin/", admin.site.urls),
]

handler403 = "meldpunt.web.errors.forbidden"
handler404 = "meldpunt.web.errors.not_found"
