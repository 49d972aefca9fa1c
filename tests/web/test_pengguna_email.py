"""The digest address on the pages: Pengguna (admin, any user) and Akun saya (one's own).

Each address below is classified by hand (valid or not); the page and the CLI
(``posyandu-server signals email``) must both follow that classification, so they share one rule.
A refused address is an Indonesian error and leaves the stored address as it was.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from tests.web.conftest import csrf_token

VALID = [
    "bidan.desa@puskesmas.go.id",
    "kader_a1+sinyal@example.id",
    "A.B-C@sub.domain.example.co.id",
]
INVALID = [
    "bukan alamat",
    "tanpa-at.example.id",
    "a@b",  # no dot in the domain
    "a@@b.id",
    "a@b.id, c@d.id",  # two addresses
    "Nama <a@b.id>",
    "a@b.id\r\nBcc: semua@example.id",  # header injection
    "a\x00b@c.id",  # NUL (PostgreSQL refuses it in text)
    "bidan@désa.id",  # not ASCII: smtplib would not send it
    "x" * 250 + "@b.id",  # 255 characters
]


def email_of(app, username: str) -> str | None:
    from server.extensions import db
    from server.models import User

    with app.app_context():
        return db.session.execute(
            sa.select(User.email).where(User.username == username)
        ).scalar_one()


def user_id(app, username: str) -> int:
    from server.extensions import db
    from server.models import User

    with app.app_context():
        return db.session.execute(sa.select(User.id).where(User.username == username)).scalar_one()


def set_email(app, username: str, address: str | None) -> None:
    from server.extensions import db
    from server.models import User

    with app.app_context():
        user = db.session.execute(sa.select(User).where(User.username == username)).scalar_one()
        user.email = address
        db.session.commit()


def post_admin(client, app, username: str, form: dict):
    token = csrf_token(client.get("/pengguna").text)
    return client.post(
        f"/pengguna/{user_id(app, username)}/email", data={**form, "csrf_token": token}
    )


def test_admin_sets_shows_and_removes_a_users_address(app, web):
    admin = web("admin")
    page = admin.get("/pengguna").text
    row = page.split('data-user="kader_a1"')[1].split("</tr>")[0]
    assert '<span class="email">–</span>' in row
    assert f'action="/pengguna/{user_id(app, "kader_a1")}/email"' in row

    done = post_admin(admin, app, "kader_a1", {"email": "  kader.a1@example.id "})
    assert done.status_code == 303
    assert done.headers["Location"].endswith(f"#user-{user_id(app, 'kader_a1')}")
    assert email_of(app, "kader_a1") == "kader.a1@example.id"  # trimmed
    assert email_of(app, "kader_a2") is None  # only that user
    shown = admin.get(done.headers["Location"]).text
    assert "Alamat e-mail kader_a1 tersimpan." in shown
    row = shown.split('data-user="kader_a1"')[1].split("</tr>")[0]
    assert '<span class="email">kader.a1@example.id</span>' in row and ">Hapus</button>" in row

    removed = post_admin(admin, app, "kader_a1", {"email": "kader.a1@example.id", "remove": "1"})
    assert removed.status_code == 303 and email_of(app, "kader_a1") is None
    assert "ringkasan tidak lagi dikirim" in admin.get(removed.headers["Location"]).text
    crafted = admin.get("/pengguna?ok=email&user=Kirim+sandi+ke+penipu").text
    assert "penipu" not in crafted and "tersimpan" not in crafted  # only a real user is named


@pytest.mark.parametrize("address", INVALID, ids=range(len(INVALID)))
def test_a_bad_address_is_an_indonesian_error_and_nothing_is_written(app, web, address):
    set_email(app, "pkm_a", "lama@example.id")
    admin = web("admin")
    response = post_admin(admin, app, "pkm_a", {"email": address})
    assert response.status_code == 400
    assert "Alamat e-mail tidak sah." in response.text and "Tidak ada yang diubah." in response.text
    row = response.text.split('data-user="pkm_a"')[1].split("</tr>")[0]
    assert 'role="alert"' in row  # the error stands on that user's row
    assert email_of(app, "pkm_a") == "lama@example.id"

    own = web("pkm_a")
    token = csrf_token(own.get("/akun").text)
    mine = own.post("/akun/email", data={"email": address, "csrf_token": token})
    assert mine.status_code == 400 and "Alamat e-mail tidak sah." in mine.text
    assert email_of(app, "pkm_a") == "lama@example.id"


def test_an_empty_address_is_not_a_silent_removal(app, web):
    set_email(app, "bidan_a", "bidan@example.id")
    response = post_admin(web("admin"), app, "bidan_a", {"email": "   "})
    assert response.status_code == 400 and "tekan Hapus" in response.text
    assert email_of(app, "bidan_a") == "bidan@example.id"


def test_the_page_and_the_cli_follow_one_rule(app, web):
    from server.signals.cli import signals_cli

    runner = app.test_cli_runner()
    admin = web("admin")
    for address in VALID:
        assert runner.invoke(signals_cli, ["email", "kec_a", address]).exit_code == 0, address
        assert email_of(app, "kec_a") == address
        set_email(app, "kec_a", None)
        assert post_admin(admin, app, "kec_a", {"email": address}).status_code == 303, address
        assert email_of(app, "kec_a") == address
        set_email(app, "kec_a", None)
    for address in INVALID:
        if "\x00" in address:
            continue  # a command-line argument cannot hold NUL; the page test above covers it
        result = runner.invoke(signals_cli, ["email", "kec_a", address])
        assert result.exit_code == 2 and "tidak sah" in result.output, address
        assert email_of(app, "kec_a") is None


@pytest.mark.parametrize("username", ["kader_a1", "bidan_a", "pkm_a", "kec_a", "dinas"])
def test_only_the_admin_sets_another_users_address(app, web, username):
    client = web(username)
    target = user_id(app, "pkm_b")
    token = csrf_token(client.get("/akun").text)
    response = client.post(
        f"/pengguna/{target}/email", data={"email": "ambil@example.id", "csrf_token": token}
    )
    assert response.status_code == 403
    assert email_of(app, "pkm_b") is None


def test_anonymous_and_unknown_users(app, web, client):
    anonymous = client.post(f"/pengguna/{user_id(app, 'pkm_b')}/email", data={"email": "a@b.id"})
    assert anonymous.status_code == 400  # no CSRF token (the sign-in page has none for it)
    admin = web("admin")
    assert post_admin(admin, app, "pkm_b", {"email": "a@b.id"}).status_code == 303
    token = csrf_token(admin.get("/pengguna").text)
    missing = admin.post("/pengguna/999999/email", data={"email": "a@b.id", "csrf_token": token})
    assert missing.status_code == 404
    assert client.get("/akun").status_code == 302  # to sign in


def test_a_user_sets_only_their_own_address_on_akun_saya(app, web):
    client = web("kader_a1")
    page = client.get("/akun")
    assert page.status_code == 200
    assert 'href="/akun"' in page.text  # the header link
    assert "Posyandu Melati" in page.text and "belum pernah" in page.text
    token = csrf_token(page.text)
    other = user_id(app, "kader_a2")
    response = client.post(
        "/akun/email",
        data={
            "email": "saya@example.id",
            "csrf_token": token,
            "user_id": other,
            "username": "kader_a2",
        },
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/akun?ok=saved")
    assert email_of(app, "kader_a1") == "saya@example.id"
    assert email_of(app, "kader_a2") is None  # the extra fields are not a way to another user
    shown = client.get("/akun?ok=saved").text
    assert "Alamat e-mail tersimpan." in shown
    assert '<dd class="email">saya@example.id</dd>' in shown
    removed = client.post("/akun/email", data={"remove": "1", "csrf_token": token})
    assert removed.status_code == 303 and email_of(app, "kader_a1") is None


def test_akun_saya_shows_the_last_digest_in_the_local_zone(app, web):
    from server.extensions import db
    from server.models import User

    with app.app_context():
        user = db.session.execute(sa.select(User).where(User.username == "pkm_a")).scalar_one()
        user.digest_sent_at = dt.datetime(2026, 6, 30, 17, 30, tzinfo=dt.UTC)
        db.session.commit()
    client = web("pkm_a")
    assert '<dd class="last-sent">01/07/2026 00:30 WIB</dd>' in client.get("/akun").text
    zone = app.config["LOCAL_TIMEZONE"]
    app.config["LOCAL_TIMEZONE"] = "WIT"
    try:
        assert '<dd class="last-sent">01/07/2026 02:30 WIT</dd>' in client.get("/akun").text
    finally:
        app.config["LOCAL_TIMEZONE"] = zone


def test_the_pages_in_english_have_no_missing_messages(app, web):
    set_email(app, "admin", "admin@example.id")
    admin = web("admin")
    for path in ("/pengguna?lang=en", "/akun?lang=en", "/akun?ok=removed&lang=en"):
        text = admin.get(path).text
        assert "web.users." not in text and "web.account." not in text, path
    assert "My account" in admin.get("/akun?lang=en").text
    assert "Digest e-mail" in admin.get("/pengguna?lang=en").text


def test_roles_show_in_words_on_the_pages(web):
    """A role is named in words in the header, on Pengguna and on Akun saya, never by its code."""
    admin = web("admin").get("/pengguna").text
    assert "<td>Bidan desa</td>" in admin and "<td>bidan_desa</td>" not in admin
    assert "<td>Petugas puskesmas</td>" in admin and "· Administrator</span>" in admin
    account = web("pkm_a").get("/akun").text
    assert "<dd>Petugas puskesmas</dd>" in account and "· Petugas puskesmas</span>" in account
