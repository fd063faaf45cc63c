"""The contact persons' e-mail address and telephone number are encrypted at rest; existing rows are encrypted in
place (and decrypted again when the migration is reversed)."""

from django.db import migrations

import sikom.core.crypto


def _convert(apps, schema_editor, convert) -> None:
    # Raw SQL: the historical model would already run the values through the encrypted field.
    table = "alliance_contactperson"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, email, phone FROM {table}")
        for pk, email, phone in cursor.fetchall():
            cursor.execute(
                f"UPDATE {table} SET email = %s, phone = %s WHERE id = %s",
                [convert(email) if email else email, convert(phone) if phone else phone, pk],
            )


def encrypt(apps, schema_editor) -> None:
    _convert(apps, schema_editor, sikom.core.crypto.encrypt_text)


def decrypt(apps, schema_editor) -> None:
    _convert(apps, schema_editor, sikom.core.crypto.decrypt_text)


class Migration(migrations.Migration):
    dependencies = [
        ("alliance", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="contactperson",
            name="email",
            field=sikom.core.crypto.EncryptedTextField(verbose_name="E-Mail-Adresse"),
        ),
        migrations.AlterField(
            model_name="contactperson",
            name="phone",
            field=sikom.core.crypto.EncryptedTextField(blank=True, verbose_name="Telefon"),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
