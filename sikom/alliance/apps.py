from django.apps import AppConfig


class AllianceConfig(AppConfig):
    name = "sikom.alliance"
    label = "alliance"
