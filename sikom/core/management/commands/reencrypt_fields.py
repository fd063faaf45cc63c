from django.core.management.base import BaseCommand

from sikom.core.rotation import reencrypt_fields


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted database field made with an older key with the first key of ENCRYPTION_KEYS, "
        "so the old key can be removed afterwards. Safe to interrupt and to run again."
    )

    def handle(self, *args, **options):
        result = reencrypt_fields()
        if options["verbosity"]:
            changed = {name: count for name, count in result.items() if count}
            self.stdout.write(f"values re-encrypted: {sum(changed.values())}")
            for name, count in changed.items():
                self.stdout.write(f"  {name}: {count}")
