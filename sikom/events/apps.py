from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "sikom.events"
    label = "events"
