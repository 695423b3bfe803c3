"""The default gemeente of a new record, for code that does not name one (ADR 0030 §12).

While an installation has one gemeente, a record made without a gemeente (an older caller, a
test, a bench script) belongs to it, as every record did before tenancy. Once there are several,
a record without a gemeente is refused: it must never land in a gemeente by accident.
"""

from django.core.exceptions import ImproperlyConfigured

from .home import home_tenant
from .models import Tenant


class GemeenteRequired(ImproperlyConfigured):
    pass


def only_tenant() -> Tenant:
    """The one (home) tenant; made from the configured or loaded gemeente if needed."""
    tenants = list(Tenant.objects.all()[:2])
    if len(tenants) > 1:
        raise GemeenteRequired("Deze installatie werkt voor meer dan één gemeente: geef bij een nieuw gegeven aan "
                               "van welke gemeente het is.")
    return tenants[0] if tenants else home_tenant()


def only_gemeente() -> str:
    """The field default: the code of `only_tenant()`."""
    return only_tenant().code


def gemeente_or_only(gemeente) -> Tenant:
    """What a service stores: the gemeente its caller named, else the installation's only one."""
    return gemeente if gemeente is not None else only_tenant()
