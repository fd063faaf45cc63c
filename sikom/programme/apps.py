from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "sikom.programme"
    label = "programme"
