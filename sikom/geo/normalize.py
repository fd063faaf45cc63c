import re
import unicodedata

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def search_form(text: str) -> str:
    """Lower case, umlauts spelt out, other accents removed, punctuation to spaces: »Budyšin« finds »budysin«."""
    text = text.casefold().translate(_FOLD)
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()
