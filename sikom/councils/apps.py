from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    name = "sikom.councils"
    label = "councils"
