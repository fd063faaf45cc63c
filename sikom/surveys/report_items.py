"""What the report shows for each item of the standard bank, as data next to the bank (`bank.py`).

``SHARES``: for each answer scale of the bank, which options form the reported share and how it is named — e.g. for
the feeling-of-safety items the share »eher oder sehr unsicher« (options 3 and 4) among those who gave an answer
other than »weiß nicht / keine Angabe«. An item of the bank may name its own share in ``ITEM_SHARES`` (single choice
items without a scale). Custom questions (not from the bank) report the upper half of their scale, named by the
options it takes, and single choice questions report every option.

``REFERENCES``: national reference values with source and year, shown beside the municipality's estimate with a
caveat on method. Only a value with a citable public source is filled in; the other entries are left empty on
purpose (``value = None``) and the report says so, for the operators to fill in once they have a source.
"""

from django.utils.translation import gettext_lazy as _

# scale -> (option codes forming the share, German name of the share)
SHARES = {
    "safety": (("3", "4"), _("eher oder sehr unsicher")),
    "worry": (("3", "4"), _("ziemlich oder sehr beunruhigt")),
    "likely": (("3", "4"), _("eher oder sehr wahrscheinlich")),
    "frequency": (("3", "4"), _("manchmal oder oft")),
    "agree": (("3", "4"), _("stimme eher oder voll zu")),
    "problem": (("3", "4"), _("ein ziemliches oder großes Problem")),
    "satisfied": (("1", "2"), _("sehr oder eher zufrieden")),
    "yes_no": (("1",), _("ja")),
}

# bank key -> (option codes, German name) for single choice items that have no scale of their own.
ITEM_SHARES = {
    "opfer_ort": (("1",), _("in der eigenen Gemeinde")),
    "kontakt": (("1", "2"), _("Kontakt mit der Polizei")),
}

# Victimisation: the multiple choice item, the option meaning »none«, and the reporting item with the options that
# count as »reported« (fully or partly).
VICTIM_ITEM = "opfer"
VICTIM_NONE = "nichts"
REPORTING_ITEM = "anzeige"
REPORTED_CODES = ("1", "2")

# The items the summary and the domain tables lead with (result keys: item code, or »item.row« for a matrix row).
HEADLINES = [
    "sicher_dunkel",
    "sicher_orte.oepnv_nacht",
    "sicher_orte.nacht_zentrum",
    "sorge.einbruch",
    "probleme.muell",
    "nachbarschaft.helfen",
    "vertrauen.vertrauen",
    "victimisation",
    "reporting",
]

SKID_2020 = _(
    "Bundeskriminalamt, »Sicherheit und Kriminalität in Deutschland – SKiD 2020«, Zusammenfassung der Ergebnisse, "
    "veröffentlicht im November 2022"
)
METHOD_CAVEAT = _(
    "Bundesweite telefonische und schriftliche Befragung der Bevölkerung ab 16 Jahren mit eigener Frageformulierung "
    "und Gewichtung; der Vergleich zeigt eine Größenordnung, keinen statistisch geprüften Unterschied."
)

# result key, what is compared (»safe«: the complement of the reported share »unsafe«), the reference value in per
# cent (None: not yet filled in), by sex, source, year.
REFERENCES = [
    {
        "key": "sicher_orte.oepnv_nacht",
        "measure": "safe",
        "label": _("fühlen sich nachts in Bussen und Bahnen sicher"),
        "value": 46,
        "groups": {"w": 33, "m": 60},
        "source": SKID_2020,
        "year": 2020,
        "caveat": METHOD_CAVEAT,
    },
    {
        "key": "sicher_dunkel",
        "measure": "unsafe",
        "label": _("fühlen sich nachts allein in der Wohngegend eher oder sehr unsicher"),
        "value": None,
        "groups": {},
        "source": "",
        "year": None,
        "caveat": "",
    },
    {
        "key": "victimisation",
        "measure": "share",
        "label": _("Opfer mindestens einer Straftat in den letzten 12 Monaten"),
        "value": None,
        "groups": {},
        "source": "",
        "year": None,
        "caveat": "",
    },
    {
        "key": "vertrauen.vertrauen",
        "measure": "share",
        "label": _("haben Vertrauen in die Polizei"),
        "value": None,
        "groups": {},
        "source": "",
        "year": None,
        "caveat": "",
    },
]
