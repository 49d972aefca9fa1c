"""The laptop serves the meja phones over the posyandu's network (issue #15), on real sockets.

The real app is served on 127.0.0.1 (the laptop's own listener) and, once a kader turns it on,
on 127.0.0.2 (standing for the laptop's hotspot address: a loopback alias that binds on Linux
without root). Requests go through ``requests`` over those sockets: nothing is simulated.
"""

from __future__ import annotations

import re
import socket
import threading

import pytest
import requests

from field_client import pairing, security
from field_client.app import create_app
from field_client.launcher import local_server

TOKEN = "pairing-launch-token"
POSYANDU, DESA = "PSY-A1", "6111012001"
FIRST, SECOND = ("kader_satu", "Kader Satu", "246810"), ("kader_dua", "Kader Dua", "135799")
LAN_ADDRESS = "127.0.0.2"


def _can_bind(address: str) -> bool:
    try:
        with socket.socket() as probe:
            probe.bind((address, 0))
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(
    not _can_bind(LAN_ADDRESS), reason=f"{LAN_ADDRESS} cannot be bound on this machine"
)


@pytest.fixture
def laptop(tmp_path):
    """The client on loopback with two kader of one posyandu; yields (app, loopback base)."""
    app = create_app(tmp_path / "device", TOKEN, test_config={"LAN_PORT": 0})
    store = app.extensions["posyandu"].store
    store.set_meta(
        token="offline-token",
        device_id="dev-1",
        username=FIRST[0],
        user={"name": FIRST[1]},
        scope={"posyandu": [POSYANDU], "desa": [DESA]},
    )
    for username, name, pin in (FIRST, SECOND):
        security.set_pin(store, pin, username=username, name=name)
    server = local_server(app, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    pairing.shutdown(app)
    server.shutdown()
    thread.join(10)
    server.server_close()
    app.extensions["posyandu"].close()


def unlocked_laptop(base: str, kader=FIRST) -> requests.Session:
    """A browser on the laptop: the launch cookie, then the kader's PIN."""
    browser = requests.Session()
    assert browser.get(f"{base}/?launch={TOKEN}").status_code == 200
    answer = browser.post(
        f"{base}/unlock", data={"user": kader[0], "pin": kader[2], "next": "/meja"}
    )
    assert answer.status_code == 200 and answer.url.endswith("/meja")
    return browser


def turn_on(browser: requests.Session, base: str) -> tuple[str, str]:
    """Click "Izinkan HP/tablet lain"; return (the phone's base address, the code shown)."""
    page = browser.post(f"{base}/meja/lan", data={"aksi": "nyalakan", "alamat": LAN_ADDRESS})
    assert page.status_code == 200
    url = re.search(r"http://127\.0\.0\.2:(\d+)/pasang", page.text)
    code = re.search(r'<strong id="lan-code">([A-Z0-9]+)</strong>', page.text)
    assert url and code, page.text
    return f"http://{LAN_ADDRESS}:{url.group(1)}", code.group(1)


def pair_phone(lan_base: str, code: str) -> requests.Session:
    phone = requests.Session()
    answer = phone.post(f"{lan_base}/pasang", data={"code": code}, allow_redirects=False)
    assert answer.status_code == 302, answer.text
    return phone


def unlock_phone(phone: requests.Session, lan_base: str, kader=SECOND) -> None:
    answer = phone.post(f"{lan_base}/unlock", data={"user": kader[0], "pin": kader[2]})
    assert answer.status_code == 200, answer.text
    assert f"Pengguna: {kader[1]}" in answer.text


def test_off_by_default_and_only_an_unlocked_kader_turns_it_on(laptop):
    app, base = laptop
    assert not app.extensions["lan"].serving
    # The automation header opens the store's API but is no kader: it cannot serve the LAN.
    answer = requests.post(
        f"{base}/meja/lan",
        data={"aksi": "nyalakan", "alamat": LAN_ADDRESS},
        headers={security.LAUNCH_HEADER: TOKEN},
    )
    assert answer.status_code == 403
    assert not app.extensions["lan"].serving
    locked = requests.Session()
    locked.get(f"{base}/?launch={TOKEN}")
    answer = locked.post(f"{base}/meja/lan", data={"aksi": "nyalakan", "alamat": LAN_ADDRESS})
    assert answer.url.startswith(f"{base}/unlock")  # sent to unlock first
    assert not app.extensions["lan"].serving
    page = unlocked_laptop(base).get(f"{base}/meja")
    assert 'id="lan-on"' in page.text and "Izinkan HP/tablet lain (meja)" in page.text


def test_a_bad_address_gets_an_indonesian_error_and_nothing_listens(laptop):
    app, base = laptop
    browser = unlocked_laptop(base)
    page = browser.post(f"{base}/meja/lan", data={"aksi": "nyalakan", "alamat": "0.0.0.0"})
    assert page.status_code == 200 and "Alamat tidak valid" in page.text
    page = browser.post(f"{base}/meja/lan", data={"aksi": "nyalakan", "alamat": "<script>"})
    assert "Alamat tidak valid" in page.text and "<script>" not in page.text
    # TEST-NET-3 is no address of this machine: binding fails, said in words.
    page = browser.post(f"{base}/meja/lan", data={"aksi": "nyalakan", "alamat": "203.0.113.7"})
    assert "Tidak dapat melayani di alamat 203.0.113.7" in page.text
    assert not app.extensions["lan"].serving


def test_pairing_with_a_wrong_then_the_right_code(laptop):
    app, base = laptop
    lan_base, code = turn_on(unlocked_laptop(base), base)
    assert len(code) >= 6
    phone = requests.Session()
    first = phone.get(f"{lan_base}/")
    assert first.url == f"{lan_base}/pasang" and "Kode pemasangan" in first.text
    wrong = phone.post(f"{lan_base}/pasang", data={"code": "AAAAAAAA"})
    assert wrong.status_code == 400 and "Kode salah. Sisa percobaan: 4." in wrong.text
    assert phone.get(f"{lan_base}/registrasi").url == f"{lan_base}/pasang"
    right = phone.post(f"{lan_base}/pasang", data={"code": code.lower()}, allow_redirects=False)
    assert right.status_code == 302
    cookie = right.headers["Set-Cookie"]
    assert cookie.startswith(pairing.DEVICE_COOKIE + "=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    # Paired, not yet unlocked: the kader picks their name and types their own PIN.
    assert "/unlock" in phone.get(f"{lan_base}/registrasi").url
    unlock_phone(phone, lan_base, SECOND)
    assert phone.get(f"{lan_base}/registrasi").status_code == 200
    # The code was single-use: a second phone gets a clear refusal.
    again = requests.post(f"{lan_base}/pasang", data={"code": code})
    assert again.status_code == 403 and "tidak berlaku lagi" in again.text
    laptop_page = unlocked_laptop(base).get(f"{base}/meja")
    assert "Perangkat terpasang: 1" in laptop_page.text


def test_wrong_codes_are_limited(laptop):
    app, base = laptop
    lan_base, code = turn_on(unlocked_laptop(base), base)
    answers = [requests.post(f"{lan_base}/pasang", data={"code": f"WRONG00{i}"}) for i in range(5)]
    assert [a.status_code for a in answers] == [400, 400, 400, 400, 403]
    late = requests.post(f"{lan_base}/pasang", data={"code": code}, allow_redirects=False)
    assert late.status_code == 403 and "Minta kode baru" in late.text
    assert app.extensions["lan"].devices == {}


def test_concurrent_guesses_get_at_most_the_allowed_comparisons(laptop):
    app, base = laptop
    lan_base, _ = turn_on(unlocked_laptop(base), base)
    statuses: list[int] = []
    lock = threading.Lock()

    def guess(i: int) -> None:
        status = requests.post(f"{lan_base}/pasang", data={"code": f"GUESS{i:03d}"}).status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert statuses.count(400) == pairing.CODE_ATTEMPTS - 1
    assert statuses.count(403) == 20 - (pairing.CODE_ATTEMPTS - 1)


def test_the_lan_host_without_pairing_is_refused(laptop):
    app, base = laptop
    lan_base, _ = turn_on(unlocked_laptop(base), base)
    api = requests.get(f"{lan_base}/api/records/person")
    assert api.status_code == 403 and api.json()["error"]["code"] == "not_paired"
    assert "belum dipasang" in api.json()["error"]["message"]
    # The laptop's launch secret does not open the LAN listener.
    with_token = requests.get(
        f"{lan_base}/api/records/person", headers={security.LAUNCH_HEADER: TOKEN}
    )
    assert with_token.status_code == 403
    launch = requests.get(f"{lan_base}/?launch={TOKEN}")
    assert launch.url == f"{lan_base}/pasang"
    # A foreign name for the LAN address (DNS rebinding) and the LAN name on the laptop port.
    port = lan_base.rsplit(":", 1)[1]
    foreign = requests.get(f"{lan_base}/pasang", headers={"Host": f"evil.example:{port}"})
    assert foreign.status_code == 403
    loopback_port = base.rsplit(":", 1)[1]
    crossed = requests.get(
        f"{base}/?launch={TOKEN}", headers={"Host": f"{LAN_ADDRESS}:{loopback_port}"}
    )
    assert crossed.status_code == 403
    other_port = requests.get(f"{lan_base}/pasang", headers={"Host": f"{LAN_ADDRESS}:1"})
    assert other_port.status_code == 403


def test_cross_site_writes_are_refused_on_the_lan(laptop):
    app, base = laptop
    lan_base, code = turn_on(unlocked_laptop(base), base)
    phone = pair_phone(lan_base, code)
    unlock_phone(phone, lan_base)
    person = {"posyandu_id": POSYANDU, "name": "Ayu", "sex": "F", "birth_date": "2025-06-10"}
    refused = [
        phone.post(
            f"{lan_base}/api/records/person", json=person, headers={"Origin": "http://evil.example"}
        ),
        phone.post(
            f"{lan_base}/api/records/person",
            json=person,
            headers={"Origin": f"http://127.0.0.1:{base.rsplit(':', 1)[1]}"},
        ),
        phone.post(
            f"{lan_base}/api/records/person", json=person, headers={"Sec-Fetch-Site": "cross-site"}
        ),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403]
    form = phone.post(f"{lan_base}/api/records/person", data=person)
    assert form.status_code == 415
    store = app.extensions["posyandu"].store
    assert store.count("person") == 0
    saved = phone.post(f"{lan_base}/api/records/person", json=person, headers={"Origin": lan_base})
    assert saved.status_code == 201, saved.text
    assert store.count("person") == 1


def test_laptop_only_pages_are_refused_to_a_phone(laptop):
    app, base = laptop
    lan_base, code = turn_on(unlocked_laptop(base), base)
    phone = pair_phone(lan_base, code)
    unlock_phone(phone, lan_base)
    setup = phone.get(f"{lan_base}/setup")
    assert setup.status_code == 403 and "hanya dapat dibuka di laptop" in setup.text
    stop = phone.post(f"{lan_base}/meja/lan", data={"aksi": "matikan"})
    assert stop.status_code == 403
    assert app.extensions["lan"].serving
    assert phone.get(f"{lan_base}/pemulihan").status_code == 403


def test_the_laptop_revokes_a_paired_phone(laptop):
    app, base = laptop
    browser = unlocked_laptop(base)
    lan_base, code = turn_on(browser, base)
    phone = pair_phone(lan_base, code)
    unlock_phone(phone, lan_base)
    page = browser.get(f"{base}/meja").text
    device_id = re.search(r'data-revoke="([0-9a-f]+)"', page).group(1)
    browser.post(f"{base}/meja/lan", data={"aksi": "cabut", "perangkat": device_id})
    assert phone.get(f"{lan_base}/registrasi").url == f"{lan_base}/pasang"
    api = phone.get(f"{lan_base}/api/records/person")
    assert api.status_code == 403
    assert "Perangkat terpasang: 0" in browser.get(f"{base}/meja").text


def _refused(address: str, port: int) -> bool:
    try:
        with socket.create_connection((address, port), timeout=2):
            return False
    except ConnectionRefusedError:
        return True


def test_matikan_closes_the_listener_and_a_restart_starts_off(laptop, tmp_path):
    app, base = laptop
    browser = unlocked_laptop(base)
    lan_base, code = turn_on(browser, base)
    phone = pair_phone(lan_base, code)
    port = int(lan_base.rsplit(":", 1)[1])
    assert not _refused(LAN_ADDRESS, port)
    page = browser.post(f"{base}/meja/lan", data={"aksi": "matikan"})
    assert 'id="lan-on"' in page.text
    assert _refused(LAN_ADDRESS, port)
    # On again: a new port, a new code, and the old pairing is forgotten.
    lan_base, _ = turn_on(browser, base)
    assert phone.get(f"{lan_base}/registrasi").url == f"{lan_base}/pasang"
    # The laptop listener is untouched throughout.
    assert browser.get(f"{base}/meja").status_code == 200
    # The app closing (launcher) closes the LAN listener; a new app starts with it off.
    port = int(lan_base.rsplit(":", 1)[1])
    pairing.shutdown(app)
    assert _refused(LAN_ADDRESS, port)
    assert not create_app(tmp_path / "other", TOKEN).extensions["lan"].serving


def test_the_queue_lists_who_was_served_today_on_every_station(laptop):
    from datetime import date

    from field_client.service import RecordService

    app, base = laptop
    store = app.extensions["posyandu"].store
    service = RecordService(store, today=date.today())
    common = {"posyandu_id": POSYANDU, "desa_code": DESA, "sex": "F", "mother_name": "Wati"}
    weighed = service.create("person", {**common, "name": "Citra", "birth_date": "2025-01-05"})
    service.create("person", {**common, "name": "Dewi", "birth_date": "2025-02-05"})
    service.create(
        "child_visit",
        {
            "person_id": weighed.id,
            "posyandu_id": POSYANDU,
            "visit_date": date.today().isoformat(),
            "weight_kg": 9.1,
        },
    )
    browser = unlocked_laptop(base)
    page = browser.get(f"{base}/meja").text
    assert "Hadir hari ini: 1" in page and "Citra" in page and "Dewi" not in page
    chosen = browser.post(f"{base}/meja/pilih", data={"meja": "5"})
    assert chosen.url == f"{base}/hari-buka"
    assert 'id="hadir-aside"' in chosen.text and "Citra" in chosen.text
    assert browser.post(f"{base}/meja/pilih", data={"meja": "9"}).status_code == 400


def test_every_route_on_the_lan_listener_refuses_an_unpaired_browser(laptop):
    """Each route of the app (the security suite's own enumeration), sent over the LAN socket
    without a device cookie, with the laptop's launch token or a forged device cookie: a
    refusal (403/415, or GET to /pasang) and nothing written."""
    from tests.security.test_field_client import routes

    app, base = laptop
    lan_base, code = turn_on(unlocked_laptop(base), base)
    found = routes(app)
    assert len(found) >= 25
    for method, path in found:
        for headers in (
            {},
            {security.LAUNCH_HEADER: TOKEN},
            {"Cookie": f"{pairing.DEVICE_COOKIE}=forged; posyandu_launch={TOKEN}"},
        ):
            answer = requests.request(
                method,
                lan_base + path,
                headers=headers,
                json={"name": "x", "code": "WRONG"} if method != "GET" else None,
                allow_redirects=False,
            )
            if path == "/pasang":
                assert answer.status_code in (200, 400, 403), (method, path)
                continue
            moved = answer.headers.get("Location", "")
            assert answer.status_code in (403, 415) or (
                method == "GET" and moved.endswith("/pasang")
            ), (method, path, headers, answer.status_code, moved)
    assert app.extensions["posyandu"].store.count("person") == 0
    assert app.extensions["lan"].devices == {}


def test_the_queue_reads_persons_one_by_one_or_in_one_go_alike(laptop, monkeypatch):
    from datetime import date

    from field_client.service import RecordService

    app, _ = laptop
    store = app.extensions["posyandu"].store
    service = RecordService(store, today=date.today())
    today = date.today().isoformat()
    common = {"posyandu_id": POSYANDU, "desa_code": DESA, "mother_name": "Wati"}
    names = {}
    for name, sex, birth in (("dewi", "F", "2025-02-05"), ("Bayu", "M", "1960-03-01")):
        person = service.create("person", {**common, "name": name, "sex": sex, "birth_date": birth})
        names[name] = person.id
    service.create(
        "child_visit",
        {"person_id": names["dewi"], "posyandu_id": POSYANDU, "visit_date": today, "weight_kg": 9},
    )
    service.create(
        "adult_visit",
        {"person_id": names["Bayu"], "posyandu_id": POSYANDU, "visit_date": today, "weight_kg": 60},
    )
    expected = [{"id": names["Bayu"], "name": "Bayu"}, {"id": names["dewi"], "name": "dewi"}]
    assert pairing.hadir_hari_ini(store, today) == expected
    monkeypatch.setattr(pairing, "QUEUE_ONE_BY_ONE", 0)
    assert pairing.hadir_hari_ini(store, today) == expected
    assert pairing.hadir_hari_ini(store, "2020-01-01") == []


def test_a_code_expires_after_ten_minutes(laptop):
    import time

    app, base = laptop
    browser = unlocked_laptop(base)
    lan_base, code = turn_on(browser, base)
    state = app.extensions["lan"]
    assert state.pair(code, "HP", now=time.time() + 601) == ("expired", None)
    assert state.attempts_left == pairing.CODE_ATTEMPTS  # an expired code costs no try
    state.new_code(now=time.time() - 601)  # a code made 10 minutes and 1 second ago
    late = requests.post(f"{lan_base}/pasang", data={"code": state.code})
    assert late.status_code == 403 and "Kode sudah kedaluwarsa" in late.text
    assert "Kode sudah kedaluwarsa. Buat kode baru." in browser.get(f"{base}/meja").text
    fresh = browser.post(f"{base}/meja/lan", data={"aksi": "kode"}).text
    new_code = re.search(r'<strong id="lan-code">([A-Z0-9]+)</strong>', fresh).group(1)
    assert pair_phone(lan_base, new_code).cookies.get(pairing.DEVICE_COOKIE)


def test_the_lan_access_log_never_shows_query_values(laptop, caplog):
    import logging

    app, base = laptop
    lan_base, _ = turn_on(unlocked_laptop(base), base)
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        requests.get(f"{lan_base}/cari?q=Siti%20Aminah")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "/cari?q=***" in logged
    assert "Siti" not in logged
