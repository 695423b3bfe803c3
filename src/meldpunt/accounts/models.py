"""Users with combinable roles (design §2), each held in one gemeente or, for the analist, in a
whole regio (ADR 0030 §3)."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from meldpunt.tenancy.defaults import GemeenteRequired, only_tenant
from meldpunt.tenancy.models import Tenant

from .roles import PERSONAL_DATA_ROLES, REGIO_ROLES, ROLE_PROFILES, Role

REGIO_ONLY_ANALIST = ("Alleen de rol analist kan voor een hele regio gelden (alleen geaggregeerde cijfers); "
                      "ken andere rollen per gemeente toe.")
SCOPE_REQUIRED = "Kies voor een roltoekenning óf een gemeente óf een regio, niet allebei en niet geen van beide."


class User(AbstractUser):
    """A staff member. Roles are combinable; four-eyes rules compare people, not roles."""

    organisation = models.CharField("organisatie of afdeling", max_length=200, blank=True)

    class Meta:
        verbose_name = "gebruiker"
        verbose_name_plural = "gebruikers"

    def scopes(self) -> dict[str, frozenset[str]]:
        """Role -> the CBS codes of the gemeenten where it is held (a regio expanded to its active
        members). Read once per user object with ``roles`` (one query); services that change roles
        clear both (``forget_roles``)."""
        # Either cache cleared (an older caller clears only ``_roles_cache``): read both again.
        if getattr(self, "_scopes_cache", None) is None or getattr(self, "_roles_cache", None) is None:
            self._read_roles()
        return self._scopes_cache

    def gemeenten_with(self, *roles: str) -> frozenset[str]:
        """The gemeenten where this user holds one of ``roles``. Remembered per set of roles with the
        scopes it comes from (a page asks the same question tens of times); ``forget_roles`` and a new
        read of the roles forget it too."""
        scopes = self.scopes()
        remembered = self.__dict__.setdefault("_gemeenten_cache", {})
        key = frozenset(roles)
        found = remembered.get(key)
        if found is None:
            found = remembered[key] = frozenset().union(*(scopes.get(role, frozenset()) for role in key))
        return found

    def gemeenten(self) -> frozenset[str]:
        """The gemeenten where this user holds any role."""
        return frozenset().union(*self.scopes().values())

    @property
    def roles(self) -> frozenset[str]:
        """Every role held somewhere (menus, landing page); where: ``scopes``."""
        if getattr(self, "_roles_cache", None) is None:
            self._read_roles()
        return self._roles_cache

    def _read_roles(self) -> None:
        rows = list(self.role_assignments.values_list("role", "gemeente_id", "regio_id")) if self.pk else []
        self._roles_cache = frozenset(role for role, _gemeente, _regio in rows)
        self._scopes_cache = _scopes_of(rows)
        self._gemeenten_cache = {}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def forget_roles(self) -> None:
        """After a grant or revocation: the next question reads the assignments again."""
        self._roles_cache = None
        self._scopes_cache = None
        self._gemeenten_cache = {}

    @property
    def needs_second_factor(self) -> bool:
        # Staff reach Django's admin, which shows personal data outside the page rules.
        return self.is_staff or self.is_superuser or bool(self.roles & PERSONAL_DATA_ROLES)

    def ordered_roles(self) -> list[Role]:
        return [p.role for p in ROLE_PROFILES if p.role in self.roles]


def _scopes_of(rows) -> dict[str, frozenset[str]]:
    """(role, gemeente, regio) rows as role -> gemeenten; a regio counts for its active members."""
    scopes: dict[str, set[str]] = {}
    regio_roles: dict[str, set[str]] = {}
    for role, gemeente, regio in rows:
        if gemeente:
            scopes.setdefault(role, set()).add(gemeente)
        elif regio:
            regio_roles.setdefault(regio, set()).add(role)
    if regio_roles:
        members = Tenant.objects.filter(regio_id__in=regio_roles, active=True).values_list("regio_id", "code")
        for regio, code in members:
            for role in regio_roles[regio]:
                scopes.setdefault(role, set()).add(code)
    return {role: frozenset(codes) for role, codes in scopes.items()}


class RoleAssignment(models.Model):
    """One role of one user, held in one gemeente, or (analist only) in every gemeente of a regio."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField("rol", max_length=32, choices=Role.choices)
    gemeente = models.ForeignKey("tenancy.Tenant", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="role_assignments", verbose_name="gemeente")
    regio = models.ForeignKey("tenancy.Regio", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="role_assignments", verbose_name="regio")
    granted_at = models.DateTimeField("toegekend op", auto_now_add=True)

    class Meta:
        verbose_name = "roltoekenning"
        verbose_name_plural = "roltoekenningen"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(gemeente__isnull=False, regio__isnull=True)
                           | models.Q(gemeente__isnull=True, regio__isnull=False)),
                name="role_scope_xor"),
            models.UniqueConstraint(fields=["user", "role", "gemeente"], condition=models.Q(gemeente__isnull=False),
                                    name="unique_role_per_user_gemeente"),
            models.UniqueConstraint(fields=["user", "role", "regio"], condition=models.Q(regio__isnull=False),
                                    name="unique_role_per_user_regio"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.scope_name})"

    def save(self, *args, **kwargs):
        # Like every record (tenancy.defaults): without a gemeente or regio, the installation's only
        # gemeente; refused once there are several.
        if self.gemeente_id is None and self.regio_id is None:
            self.gemeente = only_tenant()
        super().save(*args, **kwargs)

    @property
    def scope_name(self) -> str:
        """Where the role is held, in words: "Zaanstad" or "regio Zaanstreek"."""
        if self.gemeente_id:
            return self.gemeente.naam
        return f"regio {self.regio.naam}" if self.regio_id else "geen gemeente"

    def clean(self):
        super().clean()
        if self.gemeente_id and self.regio_id:
            raise ValidationError(SCOPE_REQUIRED)
        if not self.gemeente_id and not self.regio_id:
            try:
                only_tenant()
            except GemeenteRequired:
                raise ValidationError({"gemeente": SCOPE_REQUIRED}) from None
        if self.regio_id and self.role not in REGIO_ROLES:
            raise ValidationError({"regio": REGIO_ONLY_ANALIST})
