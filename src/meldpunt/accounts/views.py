"""Login (local password or the gemeente's identity provider), second factor (TOTP) and logout. Thin:
the work is in services, accounts.oidc, mozilla-django-oidc and django-otp."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import login as otp_login
from mozilla_django_oidc import views as oidc_views

from . import oidc, totp
from .forms import LoginForm, TokenForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if not settings.MELDPUNT_LOCAL_LOGIN:
            return self.get(request, *args, **kwargs)  # the page without a password form
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "local_login": settings.MELDPUNT_LOCAL_LOGIN,
                "oidc": settings.MELDPUNT_OIDC}


@require_POST
def logout_view(request):
    at_provider = oidc.provider_logout_url(request)
    logout(request)
    if at_provider:
        return redirect(at_provider)
    messages.info(request, "U bent uitgelogd.")
    return redirect("accounts:login")


class OidcStartView(oidc_views.OIDCAuthenticationRequestView):
    """To the provider: authorisation code flow with PKCE and nonce (mozilla-django-oidc)."""

    def get(self, request):
        if not settings.MELDPUNT_OIDC:
            raise Http404
        return super().get(request)


class OidcCallbackView(oidc_views.OIDCAuthenticationCallbackView):
    @property
    def failure_url(self):
        return reverse("accounts:oidc_refused")

    def get(self, request):
        if not settings.MELDPUNT_OIDC:
            raise Http404
        return super().get(request)

    def login_success(self):
        response = super().login_success()
        # After login() (which may start a new session): the provider vouched for a second factor.
        self.request.session[oidc.MFA_KEY] = bool(getattr(self.user, "meldpunt_mfa_via_provider", False))
        return response


REFUSALS = {
    oidc.NO_GROUP: "U bent bij de gemeente ingelogd, maar u zit in geen groep die toegang geeft tot het "
                   "Meldpunt Ondermijning. Vraagt u de functioneel beheerder of uw leidinggevende om toegang.",
    oidc.NO_MFA: "Met uw rol ziet u persoonsgegevens. Daarvoor moet u bij de gemeente inloggen met een "
                 "tweede factor (bijvoorbeeld een code uit een app). Log opnieuw in en gebruik uw tweede factor.",
    oidc.NO_NAME: "De gemeente gaf geen gebruikersnaam door. Neem contact op met de functioneel beheerder.",
}


@require_safe
def oidc_refused(request):
    reason = request.session.get(oidc.REFUSAL_KEY, "")
    text = REFUSALS.get(reason, "Inloggen bij de gemeente is niet gelukt. Probeer het opnieuw.")
    return render(request, "accounts/oidc_refused.html", {"text": text}, status=403)


@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request):
    """Verify a TOTP code; on first use, show the QR code to set up the app."""
    user = request.user
    if getattr(user, "is_verified", lambda: False)():
        return redirect(settings.LOGIN_REDIRECT_URL)
    device = totp.confirmed_device(user)
    setting_up = device is None
    if setting_up:
        device = totp.pending_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp.verify(device, form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(request.GET.get("next") or settings.LOGIN_REDIRECT_URL)
        form.add_error("token", "Deze code klopt niet of is verlopen. Probeer de nieuwste code.")
    context = {"form": form, "setting_up": setting_up}
    if setting_up:
        context.update(qr_svg=totp.qr_svg(device), secret=totp.readable_secret(device))
    return render(request, "accounts/second_factor.html", context)
