"""The translation catalogue: every user-facing sentence, Indonesian first, English second.

Each package registers its own messages at import (``register({...})``), so the catalogue is
split by concern but looked up in one place. Keys are dotted, e.g. ``records.required``.
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

_catalogue: dict[str, dict[str, str]] = {}


def register(messages: Mapping[str, Mapping[str, str]]) -> None:
    """Add messages ``{key: {"id": ..., "en": ...}}``; a key may be registered only once."""
    for key, texts in messages.items():
        if "id" not in texts:
            raise ValueError(f"message {key!r} has no Indonesian text")
        existing = _catalogue.get(key)
        if existing is not None and existing != dict(texts):
            raise ValueError(f"message {key!r} registered twice with different texts")
        _catalogue[key] = dict(texts)


def normalize_language(lang: str | None) -> str:
    """Return a supported language code for ``lang`` (e.g. ``en-US`` -> ``en``)."""
    if not lang:
        return DEFAULT_LANGUAGE
    code = lang.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str | None = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """Translate ``key`` into ``lang`` and fill ``{placeholders}`` from ``params``."""
    texts = _catalogue.get(key)
    if texts is None:
        return key
    text = texts.get(normalize_language(lang)) or texts[DEFAULT_LANGUAGE]
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


def has(key: str) -> bool:
    """Tell whether ``key`` is in the catalogue."""
    return key in _catalogue


def incomplete() -> list[tuple[str, str]]:
    """List ``(key, language)`` pairs that lack a translation."""
    return [
        (key, lang)
        for key, texts in sorted(_catalogue.items())
        for lang in LANGUAGES
        if not texts.get(lang)
    ]


def catalogue(lang: str | None = DEFAULT_LANGUAGE) -> dict[str, str]:
    """Return every message in ``lang`` (for shipping to a page's JavaScript)."""
    code = normalize_language(lang)
    return {key: texts.get(code) or texts[DEFAULT_LANGUAGE] for key, texts in _catalogue.items()}
