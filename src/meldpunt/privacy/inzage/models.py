"""Requests of data subjects under AVG art. 15, with UAVG art. 41 restriction decisions."""

from django.db import models  # noqa: F401
