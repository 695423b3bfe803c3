from django.urls import path

from . import views

app_name = "protocol"
urlpatterns = [
    path("signalen/<str:reference>/", views.signaal, name="signaal"),
    path("signalen/<str:reference>/stap-1/", views.stap1, name="stap1"),
    path("signalen/<str:reference>/stap-2/", views.stap2, name="stap2"),
    path("signalen/<str:reference>/doorzenden/", views.doorzenden, name="doorzenden"),
    path("signalen/<str:reference>/doorzendingen/<int:forward_id>/brief.pdf", views.brief, name="brief"),
    path("signalen/<str:reference>/versleuteld/", views.versleuteld, name="versleuteld"),
    path("signalen/<str:reference>/overgang/", views.overgang, name="overgang"),
]
