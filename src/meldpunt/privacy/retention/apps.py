from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "meldpunt.privacy.retention"
    label = "retention"
    verbose_name = "Bewaartermijnen en vernietiging"
