"""Reads of the reference data, above all the typo-tolerant municipality search of the Wegweiser."""

from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db.models import QuerySet

from sikom.geo.models import District, Municipality
from sikom.geo.normalize import search_form

MATCH_THRESHOLD = 0.75


def without_boundaries(queryset: QuerySet, *related: str) -> QuerySet:
    """Boundaries are large GeoJSON documents (a district's about 34 KB), needed only for maps: queries that reach
    the reference data by the way leave them out, for the model itself ("") and each related path given."""
    return queryset.defer(*(f"{path}__boundary" if path else "boundary" for path in related))


def _municipalities():
    return without_boundaries(
        Municipality.objects.select_related("district__police_directorate"),
        "",
        "district",
        "district__police_directorate",
    )


def municipality_names() -> list[str]:
    """The 418 names as people write them, sorted (the suggestions of a municipality field)."""
    return sorted({municipality.display_name for municipality in Municipality.objects.only("name")})


def municipality_by_ags(ags: str) -> Municipality | None:
    return _municipalities().filter(ags=ags).first()


@dataclass(frozen=True)
class MunicipalityMatch:
    municipality: Municipality
    score: float


def _similarity(a: str, b: str) -> float:
    matcher = SequenceMatcher(None, a, b)
    # The quick upper bounds rule out most of the 418 names before the exact (slower) ratio is computed.
    if matcher.real_quick_ratio() < MATCH_THRESHOLD or matcher.quick_ratio() < MATCH_THRESHOLD:
        return 0.0
    return matcher.ratio()


def _score(query: str, name: str) -> float:
    if name == query:
        return 1.0
    if name.startswith(query):
        return 0.95
    if any(word.startswith(query) for word in name.split()):
        return 0.9
    if query in name:
        return 0.85
    whole = _similarity(query, name)
    # People type the start of a name: compare with the same number of letters too.
    start = _similarity(query, name[: len(query)]) - 0.05 if len(query) >= 4 else 0.0
    return max(whole, start)


def search_municipalities(query: str, limit: int = 8) -> list[MunicipalityMatch]:
    """Best matches first: exact, prefix, word prefix, substring, then similar spelling; larger towns break ties."""
    needle = search_form(query)
    if len(needle) < 2:
        return []
    scored = []
    for pk, name, population in Municipality.objects.values_list("pk", "search_name", "population"):
        score = _score(needle, name)
        if score >= MATCH_THRESHOLD:
            scored.append((score, population, pk))
    scored.sort(key=lambda item: (-item[0], -item[1]))
    top = scored[:limit]
    by_pk = _municipalities().in_bulk([pk for _, _, pk in top])
    return [MunicipalityMatch(municipality=by_pk[pk], score=score) for score, _, pk in top]


@dataclass(frozen=True)
class MunicipalityInput:
    """What a person's entry names: the municipality (a chosen code, or a name matching exactly one), otherwise the
    candidates to choose from (none: nothing matched); `unknown_code` when a submitted code does not exist."""

    municipality: Municipality | None
    candidates: list[Municipality]
    unknown_code: bool = False


def resolve_municipality(*, ags: str = "", name: str = "") -> MunicipalityInput:
    if ags:
        municipality = municipality_by_ags(ags)
        return MunicipalityInput(municipality=municipality, candidates=[], unknown_code=municipality is None)
    # A name written exactly (the usual case) needs no similarity scoring of all 418 names.
    exact = list(_municipalities().filter(search_name=search_form(name))[:2]) if name else []
    if len(exact) == 1:
        return MunicipalityInput(municipality=exact[0], candidates=[])
    return MunicipalityInput(
        municipality=None, candidates=[match.municipality for match in search_municipalities(name)]
    )


def district_by_key(key: str) -> District | None:
    if not (len(key) == 5 and key.isdigit()):
        return None
    return (
        without_boundaries(District.objects.select_related("police_directorate"), "", "police_directorate")
        .filter(key=key)
        .first()
    )
