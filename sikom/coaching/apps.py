from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "sikom.coaching"
    label = "coaching"
