"""Key rotation for the request source files (``netrequests/*.skn``): ``core.files.reencrypt``, the same steps as
``reencrypt_evidence`` for the incident reports' evidence, called from this app so no lower app has to know the
request files (``manage.py reencrypt_request_files``, docs/operations.md »Schlüsselwechsel«)."""

from sikom.core import files as core_files
from sikom.netrequests import files
from sikom.netrequests.models import SourceFile


def reencrypt_request_files() -> dict[str, int]:
    """Rewrite every source file in an old format or under an older key under the first key of ENCRYPTION_KEYS;
    audited as ``netrequests.source_unreadable`` and ``netrequests.sources_reencrypted``."""
    return core_files.reencrypt(files.FILES, SourceFile.objects.all(), action_prefix="netrequests", item="source")
