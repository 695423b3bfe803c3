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


def only_gemeente() -> str:
    """The code of the one (home) tenant; made from the configured or loaded gemeente if needed."""
    codes = list(Tenant.objects.values_list("code", flat=True)[:2])
    if len(codes) > 1:
        raise GemeenteRequired("Deze installatie werkt voor meer dan één gemeente: geef bij een nieuw gegeven aan "
                               "van welke gemeente het is.")
    return codes[0] if codes else home_tenant().code
