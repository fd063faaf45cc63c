from django.core.management.base import BaseCommand, CommandError

from sikom.netrequests.rotation import reencrypt_request_files


class Command(BaseCommand):
    help = (
        "Re-encrypt Expertennetzwerk request source files in an old format or under an older key with the first key "
        "of ENCRYPTION_KEYS, so the old key can be removed afterwards. Safe to interrupt and to run again."
    )

    def handle(self, *args, **options):
        result = reencrypt_request_files()
        if options["verbosity"]:
            self.stdout.write(", ".join(f"{name}: {count}" for name, count in result.items()))
        if result["unreadable"]:
            # A non-zero exit so a rotation script stops before the old key is removed.
            raise CommandError(
                f"{result['unreadable']} request source files could not be re-encrypted (see the audit log, action "
                "netrequests.source_unreadable); keep the old keys until they are resolved."
            )
