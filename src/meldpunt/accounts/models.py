"""Users with combinable roles (design §2)."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from .roles import PERSONAL_DATA_ROLES, ROLE_PROFILES, Role


class User(AbstractUser):
    """A staff member. Roles are combinable; four-eyes rules compare people, not roles."""

    organisation = models.CharField("organisatie of afdeling", max_length=200, blank=True)

    class Meta:
        verbose_name = "gebruiker"
        verbose_name_plural = "gebruikers"

    @property
    def roles(self) -> frozenset[str]:
        cached = getattr(self, "_roles_cache", None)
        if cached is None:
            cached = frozenset(self.role_assignments.values_list("role", flat=True))
            self._roles_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def needs_second_factor(self) -> bool:
        # Staff reach Django's admin, which shows personal data outside the page rules.
        return self.is_staff or self.is_superuser or bool(self.roles & PERSONAL_DATA_ROLES)

    def ordered_roles(self) -> list[Role]:
        return [p.role for p in ROLE_PROFILES if p.role in self.roles]


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField("rol", max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField("toegekend op", auto_now_add=True)

    class Meta:
        verbose_name = "roltoekenning"
        verbose_name_plural = "roltoekenningen"
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"
