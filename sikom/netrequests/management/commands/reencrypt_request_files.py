from sikom.core.files import ReencryptCommand
from sikom.netrequests.rotation import reencrypt_request_files


class Command(ReencryptCommand):
    what = "request source files"  # of the Expertennetzwerk
    unreadable_action = "netrequests.source_unreadable"

    def rotate(self) -> dict[str, int]:
        return reencrypt_request_files()
