from django.urls import path

from . import views

app_name = "insight"
urlpatterns = [
    path("ondermijningsbeeld/thema/<slug:theme>/", views.dashboard, name="dashboard"),
    path("ondermijningsbeeld/indicatoren/", views.matrix, name="matrix"),
    path("ondermijningsbeeld/indicatoren.csv", views.matrix_export, name="matrix_export"),
    path("ondermijningsbeeld/indicatoren/<slug:code>/", views.phenomenon, name="phenomenon"),
    path("ondermijningsbeeld/regio/", views.regio, name="regio"),
    path("ondermijningsbeeld/versies/", views.snapshots, name="snapshots"),
    path("ondermijningsbeeld/nieuw/", views.new_snapshot, name="new_snapshot"),
    path("ondermijningsbeeld/versies/<int:version>/", views.snapshot_detail, name="snapshot"),
    path("ondermijningsbeeld/rapport/", views.report_html, name="report"),
    path("ondermijningsbeeld/rapport.pdf", views.report_pdf, name="report_pdf"),
    path("ondermijningsbeeld/export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("ondermijningsbeeld/export.json", views.export, {"fmt": "json"}, name="export_json"),
]
