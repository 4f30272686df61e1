"""The ten lessons, in the order a trainer meets them, by their fixed slugs.

The slugs and titles are fixed here so that other areas (training sessions and records) can name a
lesson before or without reading its file; each lesson file must carry the same title.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.checklists.schema import Text


@dataclass(frozen=True)
class Entry:
    slug: str
    title: Text


def _entry(slug: str, en: str, es: str) -> Entry:
    return Entry(slug, Text(en=en, es=es))


CATALOGUE: tuple[Entry, ...] = (
    _entry("threatening-calls", "Threatening calls", "Llamadas de amenaza"),
    _entry("bomb-threat-management", "Managing a bomb threat", "Cómo manejar una amenaza de bomba"),
    _entry("bleeding-control", "Bleeding control", "Control de sangrado"),
    _entry("bus-security", "Bus security", "Seguridad en el autobús"),
    _entry("field-trips", "Field trips", "Excursiones"),
    _entry(
        "suspicious-people-vehicles",
        "Suspicious people and vehicles",
        "Personas y vehículos sospechosos",
    ),
    _entry("active-threat", "Active threat", "Amenaza activa"),
    _entry(
        "human-reaction",
        "How people react in an emergency",
        "Cómo reaccionan las personas en una emergencia",
    ),
    _entry("parents-and-students", "Parents and students", "Padres y estudiantes"),
    _entry("planning-exercises", "Planning exercises", "Cómo planear simulacros y ejercicios"),
)

SLUGS: tuple[str, ...] = tuple(entry.slug for entry in CATALOGUE)
_BY_SLUG = {entry.slug: entry for entry in CATALOGUE}


def entry(slug: str) -> Entry | None:
    return _BY_SLUG.get(slug)


def is_lesson(slug: str) -> bool:
    return slug in _BY_SLUG


def title(slug: str, locale: str) -> str:
    """The lesson's title in ``locale`` (English for a language Muster doesn't speak)."""
    return _BY_SLUG[slug].title.get(locale)


def choices(locale: str) -> list[tuple[str, str]]:
    """(slug, title) for every lesson, in order: for a form's select."""
    return [(e.slug, e.title.get(locale)) for e in CATALOGUE]
