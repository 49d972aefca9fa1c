"""District-scale Pokjanal pages: Ringkasan, Tren, Peringkat and the Ringkasan XLSX.

Timed as the dinas (signed in through the login form) through the Flask test client on the
district bench's data (``bench/district_bench.py``: 500 posyandu, about a million visits):
Ringkasan of the kabupaten, a puskesmas and a posyandu, Tren of the kabupaten and a posyandu,
Peringkat at every level below the kabupaten, and the kabupaten Ringkasan as XLSX.

``district_bench.run`` calls ``page_figures``. To iterate without rebuilding, build the district
once into a database that is kept, then time against it:

    python -m bench.district_pages --build [--quick] --db sqlite:////tmp/district.sqlite3
    python -m bench.district_pages --db sqlite:////tmp/district.sqlite3 [--only tren]
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time

PASSWORD = "bench-password-9"


def _pages(facilities: list[dict], period: str) -> list[tuple[str, str]]:
    """Return (result key, path) of the pages timed."""
    puskesmas = next(f["id"] for f in facilities if f["kind"] == "puskesmas")
    posyandu = sorted(f["id"] for f in facilities if f["kind"] == "posyandu")[0]
    p = f"period={period}"
    pages = [
        ("page_ringkasan_kabupaten_ms", f"/ringkasan?{p}"),
        ("page_ringkasan_puskesmas_ms", f"/ringkasan?{p}&level=desa&parent={puskesmas}"),
        ("page_ringkasan_posyandu_ms", f"/ringkasan?{p}&posyandu={posyandu}"),
        ("page_ringkasan_xlsx_ms", f"/ringkasan?{p}&level=posyandu&format=xlsx"),
        ("page_tren_kabupaten_ms", f"/tren?{p}"),
        ("page_tren_posyandu_ms", f"/tren?{p}&code={posyandu}"),
        ("page_tren_default_period_ms", "/tren"),
    ]
    for level in ("kecamatan", "puskesmas", "desa", "posyandu"):
        pages.append((f"page_peringkat_{level}_ms", f"/peringkat?{p}&level={level}"))
    return pages


def _signed_in(app):
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/masuk").text).group(1)
    signed = client.post(
        "/masuk", data={"username": "bench.dinas", "password": PASSWORD, "csrf_token": token}
    )
    assert signed.status_code == 302, signed.text[:200]
    return client


def page_figures(app, facilities: list[dict], period: str, repeat: int = 3, only=None) -> dict:
    """Time each page (median ms of ``repeat`` after a warm-up; a page must answer 200)."""
    client = _signed_in(app)
    figures, texts = {}, {}
    for key, path in _pages(facilities, period):
        if only and not any(word in key for word in only):
            continue

        def get(path=path, key=key):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            texts[key] = response.data

        get()
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            get()
            times.append((time.perf_counter() - t0) * 1000)
        figures[key] = round(statistics.median(times), 1)
    ranked = texts.get("page_peringkat_posyandu_ms", b"").count(b"<tr data-code=")
    if ranked:
        figures["pokjanal_pages_check"] = f"{ranked} posyandu ranked"
    figures["pokjanal_pages_load_average"] = round(os.getloadavg()[0], 2)
    return figures


def build(url: str, quick: bool) -> None:
    """Build the district bench's registry, balita and visits, and their aggregates, at ``url``."""
    import random

    from bench.district_bench import _bulk_insert, _record_rows, _registry
    from server import create_app
    from server.cli import create_user, upgrade_database
    from server.extensions import db
    from server.indicators.refresh import rebuild_all
    from server.reference import write_records

    n_posyandu, n_children = (20, 1600) if quick else (500, 40_000)
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True}, instance_path=instance)
        with app.app_context():
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as conn:
                    conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            upgrade_database()
            wilayah, facilities = _registry(n_posyandu, rng)
            write_records(
                db.session,
                [("wilayah", w) for w in wilayah] + [("facility", f) for f in facilities],
            )
            create_user("bench.dinas", "Bench dinas", "dinas", "DINKES-BENCH", PASSWORD)
            db.session.commit()
            _bulk_insert(db.session, _record_rows(facilities, n_children, rng))
            db.session.commit()
            rebuild_all(db.session)
            db.session.commit()
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as conn:
                    conn.exec_driver_sql("ANALYZE")
            db.engine.dispose()


def main(argv: list[str]) -> int:
    """Build (``--build``) or time the pages against a kept database (``--db URL``)."""
    from bench.district_bench import ROOT_PERIOD_END
    from server import create_app
    from server.extensions import db
    from server.scope import FacilityIndex

    url = argv[argv.index("--db") + 1]
    if "--build" in argv:
        build(url, "--quick" in argv)
    only = argv[argv.index("--only") + 1].split(",") if "--only" in argv else None
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True}, instance_path=instance)
        with app.app_context():
            facilities = list(FacilityIndex.load(db.session).facilities.values())
            db.session.remove()
        period = f"{ROOT_PERIOD_END[0]:04d}-{ROOT_PERIOD_END[1]:02d}"
        for key, value in page_figures(app, facilities, period, only=only).items():
            print(f"{key:36} {value}", flush=True)
        with app.app_context():
            db.engine.dispose()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv))
