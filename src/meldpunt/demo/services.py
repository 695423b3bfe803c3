"""Demo users: one per role, with a fresh password shown once."""

from django.db import transaction

from meldpunt.accounts import services as account_services
from meldpunt.accounts.models import User
from meldpunt.accounts.roles import ROLE_PROFILES
from meldpunt.demo import stories
from meldpunt.intake.models import Signal
from meldpunt.tenancy.home import home_tenant

DEMO_NAMES = {  # real-looking names, so pages show people, not roles
    "regisseur": ("Rana", "de Vries"), "beoordelaar": ("Bart", "Jansen"),
    "teamlid": ("Tess", "van den Berg"), "privacyfunctionaris": ("Priya", "Ramdin"),
    "bronhouder": ("Bram", "Visser"), "deelnemer": ("Dewi", "Smit"),
    "uitvoerder": ("Umar", "El Amrani"), "fg": ("Femke", "Bakker"),
    "auditor": ("Aisha", "Mulder"),
    "archivaris": ("Arno", "de Boer"), "beheerder": ("Bea", "Meijer"),
    "analist": ("Anna", "Bos"), "melder_intern": ("Mick", "Vos"),
}


@transaction.atomic
def ensure_demo_users(new_passwords: bool = False, stories_too: bool = True,
                      gemeente=None) -> list[tuple[str, str, str | None]]:
    """Create the demo users that are missing, each with their role in ``gemeente`` (default: the
    installation's home gemeente, which `meldpunt demo` and `meldpunt setup` have just loaded).
    Returns (username, role, password or None)."""
    gemeente = gemeente or home_tenant()
    result = []
    for profile in ROLE_PROFILES:
        role = profile.role.value
        first, last = DEMO_NAMES[role]
        user = User.objects.filter(username=role).first()
        password = None
        if user is None:
            password = account_services.generate_password()
            user = account_services.create_user(role, password, [role], gemeente=gemeente, first_name=first,
                                                last_name=last, organisation=f"Demogemeente {gemeente.naam}")
            if role == "beheerder":
                user.is_staff = True
                user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
        elif new_passwords:
            password = account_services.generate_password()
            user.set_password(password)
            user.save(update_fields=["password"])
        result.append((role, profile.role.label, password))
    _give_demo_users_work(stories_too)
    return result


def _give_demo_users_work(stories_too: bool) -> None:
    """A staff melder with their own reports, and the year of work the stories walk through the
    services (demo/stories), so every state has its wegingen, history and log lines."""
    melder = User.objects.get(username="melder_intern")
    if not Signal.objects.filter(reported_by=melder).exists():
        ids = list(Signal.objects.filter(channel="intern").order_by("received_at").values_list("id", flat=True)[:5])
        Signal.objects.filter(id__in=ids).update(reported_by=melder)
    if stories_too:
        stories.tell()
