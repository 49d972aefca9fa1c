"""SQL metacharacters and path tricks in every query parameter, path segment and stored text field.

Every GET route of app.url_map is listed with the parameters it reads (a new route fails
``test_every_get_route_is_listed``). Each parameter gets each payload, as a puskesmas user (a
broader result would show another puskesmas's marker words) and as dinas. Expected: never a 5xx,
no data outside the caller's scope, the record table intact, no file outside the app read, and
every download named safely in Content-Disposition.
"""

from __future__ import annotations

import re

import pytest

from testkit.factories import person
from tests.security.conftest import Seeded, forbidden_markers

SQL = [
    "' OR 1=1 --",
    "' OR '1'='1",
    '"; DROP TABLE record; --',
    "1; DROP TABLE record",
    "%",
    "_",
    "\\",
    "%%",
    "%' --",
    "PSY-A1' UNION SELECT * FROM users --",
    "*",
    "'",
    "PKM-A%",
    "6111%",
    "PSY-_1",
]
PATHS = [
    "../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/etc/passwd",
    "C:\\Windows\\win.ini",
    "....//....//etc/passwd",
    "a\x00b",
    "%00",
    "x" * 10_000,
    "ééé",
    "𝔓𝔖𝔜-𝔄1",
    "\u202e",
    "PSY-A1/../PSY-B1",
    "~/.ssh/id_rsa",
    "file:///etc/passwd",
    "\r\nSet-Cookie: x=1",
]
PAYLOADS = SQL + PATHS

# GET route -> the query parameters it reads (and a sample path).
GET_ROUTES = {
    "web.index": ("/", ["lang"]),
    "web.login": ("/masuk", ["next", "lang"]),
    "web.summary": ("/ringkasan", ["period", "level", "parent", "posyandu", "format"]),
    "web.trend": ("/tren", ["period", "level", "code", "format"]),
    "web.child": ("/anak/{person}", ["lang"]),
    "web.export_eppgbm": ("/ekspor/eppgbm.xlsx", ["area", "period"]),
    "web.export_sip6": ("/ekspor/sip6.xlsx", ["posyandu", "period"]),
    "web.conflicts": ("/konflik", ["status", "format", "ok"]),
    "web.lokmin": ("/lokmin", ["format", "table", "ok", "tenggat", "dihapus"]),
    "web.lokmin_meeting": ("/lokmin/pertemuan/{meeting}", ["format", "ok", "lampiran"]),
    "web.lokmin_edit_meeting": ("/lokmin/pertemuan/{meeting}/ubah", ["tambah"]),
    "web.lokmin_attachment": ("/lokmin/lampiran/00000000-0000-4000-8000-000000000000", ["lihat"]),
    "web.quality": ("/mutu-data", ["days", "format", "table"]),
    "web.weekly": ("/evaluasi-mingguan", ["week", "format", "table", "puskesmas", "saved"]),
    "web.users": ("/pengguna", ["format", "table", "ok", "user"]),
    "web.account": ("/akun", ["ok"]),
    "static": ("/static/web/web.css", ["v"]),
    "web.static": ("/static/web/charts.js", ["v"]),
    "api-docs.openapi_json": ("/api/v1/openapi.json", ["x"]),
    "auth.get_me": ("/api/v1/auth/me", ["x"]),
    "sync.pull": ("/api/v1/sync/pull", ["cursor", "limit"]),
    "sync.ids": ("/api/v1/sync/ids", ["after", "limit"]),
    "conflicts.list_conflicts": ("/api/v1/conflicts", ["status", "limit", "offset"]),
    "indicators.indicators": ("/api/v1/indicators", ["period", "level", "parent"]),
    "export.fhir_bundle": ("/api/v1/export/fhir", ["period", "area"]),
    "web.duplicates": ("/data-ganda", ["ok"]),
    "web.deaths": ("/kematian", ["error"]),
    "web.kia": ("/kia", ["level", "parent"]),
    "web.odf": ("/odf", ["x"]),
    "web.rank": ("/peringkat", ["indicator", "level", "parent", "period"]),
    "web.favicon": ("/favicon.ico", ["x"]),
    "web.signals": ("/sinyal", ["error"]),
    "web.ilp": ("/ilp", ["period", "level", "parent", "format"]),
    "web.meeting_pack": ("/paket-rapat", ["period", "span", "unit", "format"]),
    "web.verify": ("/verifikasi", ["ok", "period"]),
    "web.bundles": ("/bundel", ["x"]),
    "web.export_bundle": ("/bundel/perangkat/{device}", ["x"]),
    "web.reconcile": ("/rekonsiliasi", ["ok", "period", "sasaran", "n"]),
}
# Defaults so that the other parameters are valid while one is attacked.
DEFAULTS = {
    "web.export_eppgbm": {"area": "PKM-A", "period": "2026-10"},
    "web.export_sip6": {"posyandu": "PSY-A1", "period": "2026-10"},
    "indicators.indicators": {"period": "2026-10", "level": "posyandu"},
    "export.fhir_bundle": {"period": "2026-10", "area": "6111"},
}
SAFE_FILENAME = re.compile(r'^(attachment|inline); filename="?[A-Za-z0-9._-]{1,120}"?$')
OUTSIDE_FILES = ("root:x:0:0", "[fonts]", "BEGIN OPENSSH", "def create_app")


def test_every_get_route_is_listed(seeded):
    routes = {r.endpoint for r in seeded.app.url_map.iter_rules() if "GET" in r.methods}
    assert routes == set(GET_ROUTES), routes ^ set(GET_ROUTES)


def request_as(s: Seeded, user: str, path: str, params: dict):
    if path.startswith("/api/"):
        return s.app.test_client().get(path, query_string=params, headers=s.callers[user].headers)
    return s.web(user).get(path, query_string=params)


def check(s: Seeded, user: str, response, where: str):
    try:
        assert response.status_code < 500, (where, response.text[:300])
        body = response.get_data()
        text = body.decode("utf-8", "replace")
        if body[:2] == b"PK":
            from tests.security.test_access_matrix import body_text

            text = body_text(response)
        leaked = {m for m in forbidden_markers(user) if m in text}
        assert not leaked, (where, leaked)
        assert not any(sign in text for sign in OUTSIDE_FILES), where
        disposition = response.headers.get("Content-Disposition")
        if disposition:
            assert SAFE_FILENAME.match(disposition), (where, disposition)
        for name, value in response.headers.items():
            assert "\n" not in value and "\r" not in value, (where, name)
        assert "x=1" not in response.headers.get("Set-Cookie", ""), where
    finally:
        response.close()


def table_intact(s: Seeded, before: tuple[int, int]):
    assert s.db_counts() == before  # "DROP TABLE record" did nothing; no row added


@pytest.mark.parametrize("user", ["pkm_a", "dinas"], ids=["puskesmas", "dinas"])
@pytest.mark.parametrize(
    "param",
    sorted({(e, p) for e, (_, ps) in GET_ROUTES.items() for p in ps}),
    ids=lambda ep: f"{ep[0]}-{ep[1]}",
)
def test_metacharacters_and_path_tricks_in_query_parameters(seeded, user, param):
    endpoint, name = param
    path = GET_ROUTES[endpoint][0].format(
        person=seeded.persons["A1"],
        device=seeded.devices["kader_a1"],
        meeting=seeded.meetings["LA"],
    )
    before = seeded.db_counts()
    for payload in PAYLOADS:
        params = {**DEFAULTS.get(endpoint, {}), name: payload}
        check(
            seeded,
            user,
            request_as(seeded, user, path, params),
            f"{endpoint} {name}={payload[:40]!r}",
        )
    table_intact(seeded, before)


@pytest.mark.parametrize("user", ["pkm_a", "dinas"], ids=["puskesmas", "dinas"])
def test_unknown_parameters_naming_other_units_change_nothing(seeded, user):
    before = seeded.db_counts()
    for endpoint, (path, _) in GET_ROUTES.items():
        path = path.format(
            person=seeded.persons["A1"],
            device=seeded.devices["kader_a1"],
            meeting=seeded.meetings["LA"],
        )
        for payload in SQL:
            params = {
                **DEFAULTS.get(endpoint, {}),
                "posyandu_id": payload,
                "kecamatan": payload,
                "facility": payload,
                "id": payload,
                "q": payload,
            }
            check(seeded, user, request_as(seeded, user, path, params), f"{endpoint} extra")
    table_intact(seeded, before)


PATH_SEGMENTS = [
    "..%2f..%2fetc%2fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..",
    "%2e%2e",
    "' OR 1=1 --",
    "%25",
    "_",
    "x" * 5000,
    "%00",
    "%E2%80%AE",
    "%F0%9D%94%93",
    "..%5c..%5cwindows%5cwin.ini",
    "%2fetc%2fpasswd",
]


@pytest.mark.parametrize(
    "template",
    [
        "/anak/{}",
        "/static/web/{}",
        "/static/{}",
        "/static/web/../../{}",
        "/ekspor/{}",
        "/lokmin/kesepakatan/{}",
        "/lokmin/pertemuan/{}/hapus",
        "/lokmin/lampiran/{}/hapus",
        "/api/v1/conflicts/{}/resolve",
        "/{}",
    ],
)
def test_path_tricks_in_path_segments(seeded, template):
    before = seeded.db_counts()
    for segment in PATH_SEGMENTS:
        path = template.format(segment)
        if template.startswith("/api/") or template.startswith("/lokmin"):
            token = seeded.csrf("kec_a")
            response = (
                seeded.app.test_client().post(
                    path, json={"choice": "winner"}, headers=seeded.callers["admin"].headers
                )
                if template.startswith("/api/")
                else seeded.web("kec_a").post(path, data={"status": "done", "csrf_token": token})
            )
            check(seeded, "admin" if template.startswith("/api/") else "kec_a", response, path)
            assert response.status_code in (400, 403, 404, 405), (path, response.status_code)
        else:
            response = seeded.web("pkm_a").get(path)
            check(seeded, "pkm_a", response, path)
            if response.status_code in (301, 308):  # werkzeug normalising the path: stays here
                location = response.headers["Location"]
                assert location.startswith(("/", "http://localhost/")), location
                response = seeded.web("pkm_a").get(location)
                check(seeded, "pkm_a", response, location)
            assert response.status_code in (302, 400, 404), (path, response.status_code)
    table_intact(seeded, before)


def test_export_filenames_are_safe_for_every_download(seeded):
    """Every download the pages offer names its file with plain characters only."""
    client = seeded.web("dinas")
    downloads = [
        "/ekspor/eppgbm.xlsx?area=6111&period=2026-10",
        "/ekspor/sip6.xlsx?posyandu=PSY-A1&period=2026-10",
        "/ringkasan?period=2026-10&format=csv",
        "/ringkasan?period=2026-10&format=xlsx",
        "/tren?format=csv",
        "/konflik?format=csv&status=all",
        "/lokmin?format=xlsx",
        "/lokmin?format=xlsx&table=agreements",
        "/lokmin/pertemuan/{meeting}?format=xlsx",
        "/mutu-data?format=csv",
        "/evaluasi-mingguan?format=csv",
    ]
    for url in downloads:
        url = url.format(meeting=seeded.meetings["LA"])
        response = client.get(url)
        assert response.status_code == 200, url
        assert SAFE_FILENAME.match(response.headers["Content-Disposition"]), (
            url,
            response.headers["Content-Disposition"],
        )
        response.close()


@pytest.mark.parametrize(
    "payload", SQL + ["Robert'); DROP TABLE record;--", "O'Brien", "a\\'b", "100%_sure"]
)
def test_sql_metacharacters_in_stored_text_come_back_verbatim(seeded, payload):
    """A name with SQL metacharacters is stored and returned as sent, and breaks nothing."""
    caller = seeded.callers["kader_a1"]
    record = person("PSY-A1", name=f"Anak {payload}", mother_name=f"Ibu {payload}", address=payload)
    before = seeded.db_counts()
    result = caller.push_ok("person", record)
    assert result["status"] in ("applied", "rejected"), result
    fetched = (
        seeded.app.test_client()
        .post("/api/v1/sync/fetch", json={"ids": [record["id"]]}, headers=caller.headers)
        .json
    )
    if result["status"] == "applied":
        assert fetched["changes"][0]["fields"]["name"] == f"Anak {payload}"
        assert fetched["changes"][0]["fields"]["address"] == payload
        assert seeded.db_counts()[0] == before[0] + 1
    else:  # refused by a field rule (e.g. characters a name may not hold): explained per field
        assert result["errors"] and seeded.db_counts()[0] == before[0]
    # The pages that list names still render for the caller's puskesmas.
    page = seeded.web("pkm_a").get("/ringkasan?posyandu=PSY-A1&period=2026-10")
    assert page.status_code == 200
