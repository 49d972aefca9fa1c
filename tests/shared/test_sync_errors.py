"""The error body and the sync messages."""

import pytest

from shared import i18n
from shared.sync import ERROR_CODES, errors, schemas


def test_error_body_is_in_indonesian_by_default():
    body = errors.error_body("unauthorized")
    assert body == {
        "error": {
            "code": "unauthorized",
            "message": i18n.t("sync.error.unauthorized", "id"),
            "details": {},
        }
    }
    assert "masuk lagi" in body["error"]["message"]


def test_error_body_is_in_english_when_asked():
    assert "sign in again" in errors.error_body("unauthorized", lang="en")["error"]["message"]
    assert "sign in again" in errors.error_body("unauthorized", "en-US")["error"]["message"]


def test_seq_gap_message_names_the_seq_to_send_from():
    body = errors.error_body("seq_gap", details={"expected_seq": 18})
    assert body["error"]["message"] == (
        "Urutan data dari perangkat ini terputus; perangkat akan mengirim ulang dari nomor 18."
    )
    assert body["error"]["details"] == {"expected_seq": 18}


def test_message_without_its_details_never_shows_a_placeholder():
    for lang in ("id", "en"):
        for code in ERROR_CODES:
            message = errors.error_body(code, lang)["error"]["message"]
            assert "{" not in message, (code, lang)


def test_explicit_message_replaces_the_catalogue():
    assert errors.error_body("bad_request", message="Custom")["error"]["message"] == "Custom"


def test_unknown_code_keeps_its_code_with_a_general_message():
    body = errors.error_body("no_such_code", "en")
    assert body["error"]["code"] == "no_such_code"
    assert body["error"]["message"] == i18n.t("sync.error.bad_request", "en")
    assert errors.http_status("no_such_code") == 400


@pytest.mark.parametrize("code", ERROR_CODES)
def test_every_error_code_has_a_message_in_both_languages_and_a_status(code):
    assert i18n.has(f"sync.error.{code}")
    assert (
        errors.error_body(code, "id")["error"]["message"]
        != errors.error_body(code, "en")["error"]["message"]
    )
    assert 400 <= errors.http_status(code) <= 599


def test_error_codes_and_statuses_agree():
    assert set(errors.HTTP_STATUS) == set(ERROR_CODES)
    assert errors.http_status("seq_gap") == 409
    assert errors.http_status("payload_too_large") == 413


def test_the_codes_the_protocol_needs_exist():
    required = {
        "bad_request",
        "invalid_json",
        "validation_error",
        "unauthorized",
        "forbidden",
        "not_found",
        "seq_gap",
        "seq_reused",
        "payload_too_large",
        "too_many_attempts",
        "unsupported_media_type",
        "method_not_allowed",
        "internal_error",
        "unknown_device",
    }
    assert required <= set(ERROR_CODES)


@pytest.mark.parametrize("code", ERROR_CODES)
def test_error_body_matches_the_error_schema(code):
    body = errors.error_body(code, details={"expected_seq": 3, "retry_after": 60})
    assert schemas.ErrorSchema().validate(body) == {}


def test_sync_messages_are_complete():
    assert [key for key, _ in i18n.incomplete() if key.startswith("sync.")] == []
