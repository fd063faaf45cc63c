from django.apps import AppConfig


class CoreConfig(AppConfig):
    default = True
    name = "sikom.core"
    label = "core"

    def ready(self) -> None:
        from django.core import checks

        from sikom.core import housekeeping, jobs, throttle
        from sikom.core.crypto import check_keys

        housekeeping.register("throttle", lambda: {"throttle_counters": throttle.purge()})
        housekeeping.register("jobs", jobs.purge)

        @checks.register(checks.Tags.security, deploy=False)
        def encryption_keys_usable(app_configs, **kwargs):
            # Fails `manage.py check`, `migrate` and `runserver` early instead of at the first report.
            from django.core.exceptions import ImproperlyConfigured

            try:
                check_keys()
            except ImproperlyConfigured as exc:
                return [checks.Error(str(exc), id="sikom.E001")]
            return []
