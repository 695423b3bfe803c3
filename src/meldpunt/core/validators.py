"""Django field validators built on the identifier value objects."""

from django.core.exceptions import ValidationError

from . import identifiers


def _django(parse, code):
    # Named like the module-level variable so that migrations can refer to it by path.
    def validator(value):
        try:
            parse(value)
        except identifiers.InvalidIdentifier as error:
            raise ValidationError(str(error), code=code) from error

    validator.__name__ = validator.__qualname__ = f"validate_{code}"
    return validator


validate_bsn = _django(identifiers.parse_bsn, "bsn")
validate_rsin = _django(identifiers.parse_rsin, "rsin")
validate_kvk_nummer = _django(identifiers.parse_kvk_nummer, "kvk_nummer")
validate_vestigingsnummer = _django(identifiers.parse_vestigingsnummer, "vestigingsnummer")
validate_bag_id = _django(identifiers.parse_bag_id, "bag_id")
validate_postcode = _django(identifiers.parse_postcode, "postcode")
validate_gemeentecode = _django(identifiers.parse_gemeentecode, "gemeentecode")
validate_wijkcode = _django(identifiers.parse_wijkcode, "wijkcode")
validate_buurtcode = _django(identifiers.parse_buurtcode, "buurtcode")
