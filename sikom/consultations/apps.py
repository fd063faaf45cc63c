from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "sikom.consultations"
    label = "consultations"
