"""Login, second factor (TOTP) and logout. Thin: the work is in services and django-otp."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from . import totp
from .forms import LoginForm, TokenForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, "U bent uitgelogd.")
    return redirect("accounts:login")


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
