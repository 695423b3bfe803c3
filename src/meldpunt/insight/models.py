"""The ondermijningsbeeld: indicator matrix, aggregate snapshots, dashboards and the report."""

from django.db import models  # noqa: F401
