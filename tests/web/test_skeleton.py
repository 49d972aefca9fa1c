"""Web sign-in, CSRF, roles and language."""

from tests.web.conftest import csrf_token, sign_in


def test_pages_need_sign_in(app, world):
    response = app.test_client().get("/ringkasan")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_sign_in_and_out(web):
    client = web("dinas")
    page = client.get("/ringkasan")
    assert page.status_code == 200 and "Ringkasan" in page.text
    out = client.post("/keluar", data={"csrf_token": csrf_token(page.text)})
    assert out.status_code == 302
    assert client.get("/ringkasan").status_code == 302


def test_wrong_password_shows_an_indonesian_error(app, world):
    client = app.test_client()
    page = client.get("/masuk")
    response = client.post(
        "/masuk",
        data={"username": "dinas", "password": "salah", "csrf_token": csrf_token(page.text)},
    )
    assert response.status_code == 401 and "Nama pengguna atau kata sandi salah." in response.text


def test_forms_without_csrf_token_are_refused(app, world):
    client = app.test_client()
    response = client.post("/masuk", data={"username": "dinas", "password": "rahasia-123"})
    assert response.status_code == 400
    signed = sign_in(app.test_client(), "dinas")
    assert signed.post("/keluar").status_code == 400  # signed in, but no token


def test_users_page_is_for_admins_only(web):
    assert web("dinas").get("/pengguna").status_code == 403
    assert web("admin").get("/pengguna").status_code == 200


def test_english_is_selectable(web):
    client = web("dinas")
    assert "Summary" in client.get("/ringkasan?lang=en").text
    assert "Summary" in client.get("/ringkasan").text  # remembered


def test_open_redirect_after_sign_in_is_refused(app, world):
    client = app.test_client()
    page = client.get("/masuk?next=https://evil.example/")
    response = client.post(
        "/masuk?next=https://evil.example/",
        data={"username": "dinas", "password": "rahasia-123", "csrf_token": csrf_token(page.text)},
    )
    assert response.headers["Location"].endswith("/ringkasan")
