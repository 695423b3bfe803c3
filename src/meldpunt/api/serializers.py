from rest_framework import serializers

from meldpunt.registries.models import Buurt, Gemeente, Wijk


class GemeenteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Gemeente
        fields = ["code", "naam", "jaar"]


class AreaFiguresMixin(serializers.Serializer):
    inwoners = serializers.IntegerField(allow_null=True, read_only=True)
    huishoudens = serializers.IntegerField(allow_null=True, read_only=True)
    wozGemiddeld = serializers.IntegerField(
        source="woz_gemiddeld", allow_null=True, read_only=True,
        help_text="Gemiddelde WOZ-waarde van woningen, × €1.000 (CBS).",
    )
    misdrijven2025 = serializers.IntegerField(source="misdrijven_2025", allow_null=True, read_only=True)
    misdrijvenPer1000Gem5j = serializers.DecimalField(
        source="misdrijven_per_1000_gem5j", max_digits=8, decimal_places=1, allow_null=True,
        read_only=True, coerce_to_string=False,
    )


class WijkSerializer(AreaFiguresMixin, serializers.ModelSerializer):
    gemeente = serializers.CharField(source="gemeente_id", read_only=True)

    class Meta:
        model = Wijk
        fields = ["code", "naam", "gemeente", "inwoners", "huishoudens", "wozGemiddeld",
                  "misdrijven2025", "misdrijvenPer1000Gem5j"]


class BuurtSerializer(AreaFiguresMixin, serializers.ModelSerializer):
    wijk = serializers.CharField(source="wijk_id", read_only=True)

    class Meta:
        model = Buurt
        fields = ["code", "naam", "wijk", "inwoners", "huishoudens", "wozGemiddeld",
                  "misdrijven2025", "misdrijvenPer1000Gem5j"]


class MeSerializer(serializers.Serializer):
    gebruikersnaam = serializers.CharField()
    rollen = serializers.ListField(child=serializers.CharField())


class StrictStringMixin:
    """A text field that takes a JSON string only. DRF's CharField turns ``0`` or ``true`` into
    ``"0"`` and ``"True"``, while the document says ``type: string``: refuse instead (P8)."""

    default_error_messages = {
        "not_a_string": "Vul hier tekst in (een JSON-string), geen getal, waar/onwaar, lijst of object.",
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)


class StrictCharField(StrictStringMixin, serializers.CharField):
    pass


class StrictRegexField(StrictStringMixin, serializers.RegexField):
    pass
