"""The KoMo values named in the project's issue 14 (2023: 72 % verbal or written, 26 % online, 2 % physical of the
incidents experienced). Further years are entered by the operators with their source."""

from decimal import Decimal

from django.db import migrations

SOURCE = "Bundeskriminalamt (BKA), KoMo-Befragung 2023: Anteile der erlebten Vorfälle (Angabe aus Issue 14 des Projekts)"
VALUES = {"verbal_written": Decimal("72"), "online": Decimal("26"), "physical": Decimal("2")}


def add(apps, schema_editor):
    KomoShare = apps.get_model("situation", "KomoShare")
    for group, percent in VALUES.items():
        KomoShare.objects.get_or_create(year=2023, group=group, defaults={"percent": percent, "source": SOURCE})


def remove(apps, schema_editor):
    apps.get_model("situation", "KomoShare").objects.filter(year=2023, source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("situation", "0001_initial")]

    operations = [migrations.RunPython(add, remove)]
