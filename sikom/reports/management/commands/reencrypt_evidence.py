from django.core.management.base import BaseCommand, CommandError

from sikom.reports.rotation import reencrypt_evidence


class Command(BaseCommand):
    help = (
        "Re-encrypt evidence files in the old format or under an older key with the first key of ENCRYPTION_KEYS, "
        "so the old key can be removed afterwards. Safe to interrupt and to run again."
    )

    def handle(self, *args, **options):
        result = reencrypt_evidence()
        if options["verbosity"]:
            self.stdout.write(", ".join(f"{name}: {count}" for name, count in result.items()))
        if result["unreadable"]:
            # A non-zero exit so a rotation script stops before the old key is removed.
            raise CommandError(
                f"{result['unreadable']} evidence files could not be re-encrypted (see the audit log, "
                "action evidence.unreadable); keep the old keys until they are resolved."
            )
