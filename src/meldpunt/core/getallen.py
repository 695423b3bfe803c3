"""One Dutch number format everywhere a person looks, independent of the active locale and of
USE_THOUSAND_SEPARATOR: ``1.234.567``, ``1.234,5``, ``3,25``. Machine formats (CSV values, JSON,
the API) keep plain numbers. The template filter ``getal`` (web/templatetags/woorden.py) wraps it."""

from decimal import Decimal
from numbers import Number


def format_number(value, decimals: int | None = None) -> str:
    """A number with a point between thousands and a decimal comma. ``decimals``: exactly that many
    (rounded); without, an integer has none and a fraction at most two, trailing zeros dropped.
    Anything that is not a number (a dash, a suppressed '<5', text) is returned as it is."""
    if isinstance(value, bool) or not isinstance(value, Number | Decimal):
        return "" if value is None else str(value)
    if decimals is None:
        if isinstance(value, int) or value == int(value):
            text = f"{int(value):,}"
        else:
            text = f"{value:,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
