"""The roles of the design (§2) and what each one means for login and landing page."""

from dataclasses import dataclass

from django.db import models


class Role(models.TextChoices):
    MELDER_INTERN = "melder_intern", "Melder (medewerker of partner)"
    BEOORDELAAR = "beoordelaar", "Beoordelaar"
    REGISSEUR = "regisseur", "Regisseur ondermijning"
    TEAMLID = "teamlid", "Ondermijningsteam-lid"
    PRIVACYFUNCTIONARIS = "privacyfunctionaris", "Privacyfunctionaris"
    BRONHOUDER = "bronhouder", "Bronhouder"
    DEELNEMER = "deelnemer", "Casusoverleg-deelnemer"
    UITVOERDER = "uitvoerder", "Uitvoerder"
    FG = "fg", "Functionaris gegevensbescherming"
    # Internal or external auditor (design §5a "FG / auditor"): the FG's read-only view, no decisions.
    AUDITOR = "auditor", "Auditor"
    ARCHIVARIS = "archivaris", "Archivaris"
    ANALIST = "analist", "Analist"
    BEHEERDER = "beheerder", "Functioneel beheerder"


@dataclass(frozen=True)
class RoleProfile:
    role: Role
    landing_url_name: str
    # True when the role can see personal data of citizens, companies' people or staff; such
    # a role must log in with a second factor when MELDPUNT_REQUIRE_2FA is on.
    sees_personal_data: bool


# Order matters: a user with several roles lands on the page of the first one that applies.
ROLE_PROFILES: tuple[RoleProfile, ...] = (
    RoleProfile(Role.REGISSEUR, "web:werkvoorraad", True),
    RoleProfile(Role.BEOORDELAAR, "web:werkvoorraad", True),
    RoleProfile(Role.TEAMLID, "web:werkvoorraad", True),
    RoleProfile(Role.PRIVACYFUNCTIONARIS, "web:te_beoordelen", True),
    RoleProfile(Role.BRONHOUDER, "web:bevragingen", True),
    RoleProfile(Role.DEELNEMER, "web:mijn_casussen", True),
    RoleProfile(Role.UITVOERDER, "web:mijn_acties", True),
    RoleProfile(Role.FG, "web:toezicht", True),
    RoleProfile(Role.AUDITOR, "web:toezicht", True),
    RoleProfile(Role.ARCHIVARIS, "web:bewaartermijnen", True),
    # The beheerder manages staff accounts (names, e-mail addresses): personal data too.
    RoleProfile(Role.BEHEERDER, "web:beheer", True),
    RoleProfile(Role.ANALIST, "web:ondermijningsbeeld", False),
    RoleProfile(Role.MELDER_INTERN, "web:mijn_meldingen", True),
)
PROFILE_BY_ROLE = {profile.role: profile for profile in ROLE_PROFILES}
PERSONAL_DATA_ROLES = frozenset(p.role for p in ROLE_PROFILES if p.sees_personal_data)
# The only role that may be held for a whole regio: it sees aggregate figures only (ADR 0030 §3, P6).
# Every other role is granted per gemeente, so a gemeente joining the regio widens nobody's reach.
REGIO_ROLES = frozenset({Role.ANALIST})
