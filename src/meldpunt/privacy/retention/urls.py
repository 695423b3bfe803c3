from django.urls import path

from . import views

app_name = "retention"
# The watchlist itself is web:bewaartermijnen (the archivaris' landing page, web/urls.py).
urlpatterns = [
    path("bewaartermijnen/inzien/", views.inzien, name="inzien"),
    path("bewaartermijnen/lijsten/nieuw/", views.opstellen, name="opstellen"),
    path("bewaartermijnen/lijsten/<int:pk>/", views.lijst, name="lijst"),
    path("bewaartermijnen/lijsten/<int:pk>/beoordelen/", views.beoordelen, name="beoordelen"),
    path("bewaartermijnen/lijsten/<int:pk>/annuleren/", views.annuleren, name="annuleren"),
    path("bewaartermijnen/lijsten/<int:pk>/uitvoeren/", views.uitvoeren, name="uitvoeren"),
    path("bewaartermijnen/verklaringen/<int:pk>.pdf", views.verklaring_pdf, name="verklaring_pdf"),
    path("bewaartermijnen/verklaringen/<int:pk>.csv", views.verklaring_csv, name="verklaring_csv"),
    path("bewaartermijnen/bewaarplicht/", views.bewaarplicht, name="bewaarplicht"),
    path("bewaartermijnen/bewaarplicht/<int:pk>/opheffen/", views.bewaarplicht_opheffen, name="bewaarplicht_opheffen"),
]
