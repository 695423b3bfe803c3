from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("inloggen/", views.LoginView.as_view(), name="login"),
    path("inloggen/tweede-factor/", views.second_factor, name="second_factor"),
    path("uitloggen/", views.logout_view, name="logout"),
    path("inloggen/gemeente/", views.OidcStartView.as_view(), name="oidc_start"),
    path("inloggen/gemeente/terug/", views.OidcCallbackView.as_view(), name="oidc_callback"),
    path("inloggen/gemeente/geweigerd/", views.oidc_refused, name="oidc_refused"),
]
