import re

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """Limit/offset with bounds: a huge or negative value is a 400, never a database error."""

    default_limit = 20
    max_limit = 100
    max_offset = 10_000_000

    def _read(self, request, name, default, maximum):
        raw = request.query_params.get(name)
        if raw is None or raw == "":
            return default
        try:
            if not re.fullmatch(r"-?[0-9]+", raw):  # int() also takes " 5", "+5" and "1_000"
                raise ValueError(raw)
            value = int(raw)
        except ValueError:
            raise ValidationError({name: [f"'{name}' moet een geheel getal zijn."]}) from None
        if value < 0 or value > maximum:
            raise ValidationError({name: [f"'{name}' moet tussen 0 en {maximum} liggen."]})
        return value

    def get_limit(self, request):
        limit = self._read(request, self.limit_query_param, self.default_limit, self.max_limit)
        return limit or self.default_limit

    def get_offset(self, request):
        return self._read(request, self.offset_query_param, 0, self.max_offset)

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for p in params:
            if p["name"] == self.limit_query_param:
                p["schema"].update({"minimum": 0, "maximum": self.max_limit})
            if p["name"] == self.offset_query_param:
                p["schema"].update({"minimum": 0, "maximum": self.max_offset})
        return params
