import pytest

from shared import i18n


def test_translation_falls_back_to_indonesian_and_fills_placeholders():
    i18n.register({"test.hello": {"id": "Halo, {name}", "en": "Hello, {name}"}})
    assert i18n.t("test.hello", "en", name="Siti") == "Hello, Siti"
    assert i18n.t("test.hello", "fr", name="Siti") == "Halo, Siti"
    assert i18n.t("test.hello", None, name="Siti") == "Halo, Siti"


def test_unknown_key_is_returned_as_is():
    assert i18n.t("test.no-such-key") == "test.no-such-key"


def test_conflicting_registration_is_refused():
    i18n.register({"test.once": {"id": "Satu", "en": "One"}})
    with pytest.raises(ValueError):
        i18n.register({"test.once": {"id": "Dua", "en": "Two"}})


def test_every_registered_message_has_both_languages():
    import importlib

    for module in (
        "shared.growth",
        "shared.records",
        "shared.immunisation",
        "shared.clinical",
        "shared.indicators",
        "shared.sync",
        "server.messages",
        "field_client.messages",
    ):
        importlib.import_module(module)  # each registers its messages

    assert i18n.incomplete() == []
