"""TOTP devices through django-otp: set-up with a QR code, verification with throttling."""

import base64

import segno
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator-app", confirmed=False)


@transaction.atomic
def verify(device: TOTPDevice, token: str) -> bool:
    """Check a code; django-otp throttles repeated failures per device."""
    allowed, _ = device.verify_is_allowed()
    if not allowed or not device.verify_token(token):
        return False
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True



def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as inline SVG (no script, so it passes the strict CSP)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#000", light="#fff")


def readable_secret(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
