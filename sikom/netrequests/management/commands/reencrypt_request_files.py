from sikom.core.files import ReencryptCommand
from sikom.netrequests.rotation import reencrypt_request_files


class Command(ReencryptCommand):
    help = (
        "Re-encrypt Expertennetzwerk request source files in an old format or under an older key with the first key "
        "of ENCRYPTION_KEYS, so the old key can be removed afterwards. Safe to interrupt and to run again."
    )
    what = "request source files"
    unreadable_action = "netrequests.source_unreadable"

    def rotate(self) -> dict[str, int]:
        return reencrypt_request_files()
