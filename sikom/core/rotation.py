"""Key rotation for encrypted database fields: rewrite every token made with an older key under the current one.

Evidence files have their own command (``reencrypt_evidence`` in reports); this covers every
``EncryptedTextField``/``EncryptedJSONField`` of every installed model, found through the app registry, so an app
added later is covered without registering anything.
"""

from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Cast

from sikom.core import audit
from sikom.core.crypto import TOKEN_PREFIX, EncryptedJSONField, EncryptedTextField, current_key_id

BATCH_SIZE = 500


def _encrypted_fields() -> list[tuple[type[models.Model], models.Field]]:
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField | EncryptedJSONField)
    ]


def reencrypt_fields() -> dict[str, int]:
    """Re-encrypt, under the first key of ENCRYPTION_KEYS, every field value whose token names another key; return
    the number of values rewritten per ``app.Model.field``.

    Rows are selected by the raw token's key id (a cast to text sees the ciphertext), read decrypted and written back
    with ``update()``, so timestamps, signals and derived rows stay untouched; each batch is one transaction with the
    rows locked. Safe to interrupt and to run again.
    """
    current = f"{TOKEN_PREFIX}:{current_key_id()}:"
    counts: dict[str, int] = {}
    for model, field in _encrypted_fields():
        manager = model._base_manager
        stale = (
            manager.annotate(token=Cast(field.attname, output_field=models.TextField()))
            .filter(**{f"{field.attname}__isnull": False})
            .exclude(token="")  # empty text is stored as it is (it reveals nothing)
            .exclude(token__startswith=current)
        )
        pks = list(stale.values_list("pk", flat=True))
        for start in range(0, len(pks), BATCH_SIZE):
            with transaction.atomic():
                rows = manager.select_for_update().filter(pk__in=pks[start : start + BATCH_SIZE])
                for pk, value in rows.values_list("pk", field.attname):
                    manager.filter(pk=pk).update(**{field.attname: value})
        counts[f"{model._meta.label}.{field.name}"] = len(pks)
    audit.log("crypto.fields_reencrypted", data=counts)
    return counts
