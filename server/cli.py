"""``posyandu-server``: the Flask command group with the app loaded, plus admin commands."""

from __future__ import annotations

import json
import os
import secrets
import sys
from datetime import UTC, datetime
from importlib import resources

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from server.extensions import db
from server.models import Device, User
from server.reference import ensure_counter, wilayah_from_csv, write_records
from server.scope import ROLES, FacilityIndex, UnknownUnit, scope_for
from server.signals.cli import signals_cli
from server.sync.commands import bundle_group, compact_command, rederive_command

FACILITY_KINDS = ("dinkes", "puskesmas", "pustu", "poskesdes", "posyandu")


def _set_data_dir(ctx, param, value):
    if value:
        os.environ["POSYANDU_DATA_DIR"] = value
    return value


def _create_app():
    from server import create_app

    return create_app()


@click.group(
    cls=FlaskGroup,
    create_app=_create_app,
    add_version_option=False,
    params=[
        click.Option(
            ["--data-dir"],
            expose_value=False,
            is_eager=True,
            callback=_set_data_dir,
            envvar="POSYANDU_DATA_DIR",
            help="Instance folder (database, secret key).",
        )
    ],
)
def cli():
    """Posyandu Sync server: run it, manage its database, users and devices."""


def upgrade_database() -> None:
    """Create or upgrade the schema through the migrations, and the change counter."""
    from flask_migrate import upgrade

    from server.indicators.refresh import rebuild_all
    from server.models import IndicatorMonth, Record

    upgrade()
    ensure_counter(db.session)
    # A database that had records before the aggregates existed (migration 0003) gets them once.
    has_aggregates = db.session.execute(sa.select(IndicatorMonth.period).limit(1)).first()
    has_records = db.session.execute(sa.select(Record.id).limit(1)).first()
    if has_records and not has_aggregates:
        rebuild_all(db.session)
    db.session.commit()


@cli.command("init")
@with_appcontext
def init_command():
    """Create or upgrade the database."""
    upgrade_database()
    click.echo(f"database ready: {db.engine.url.render_as_string(hide_password=True)}")


def default_wilayah_csv() -> str:
    """Return the path of the shipped Kayong Utara wilayah file."""
    return str(resources.files("server") / "data" / "kayong_utara_wilayah_kepmendagri2025.csv")


@cli.command("load-wilayah")
@click.argument("csv_path", required=False, type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def load_wilayah_command(csv_path):
    """Load Kemendagri wilayah codes (default: Kabupaten Kayong Utara)."""
    report = write_records(
        db.session, [("wilayah", w) for w in wilayah_from_csv(csv_path or default_wilayah_csv())]
    )
    _finish(report, "wilayah")


def _finish(report, what: str) -> None:
    if report.rejected:
        db.session.rollback()
        for kind, record_id, errors in report.rejected[:20]:
            click.echo(
                f"ditolak {kind} {record_id}: {json.dumps(errors, ensure_ascii=False)}", err=True
            )
        raise click.ClickException(
            f"{len(report.rejected)} {what} ditolak; tidak ada yang disimpan"
        )
    db.session.commit()
    click.echo(
        f"{what}: {report.created} baru, {report.updated} diperbarui, {report.unchanged} tetap"
    )


@cli.command("add-facility")
@click.option("--id", "facility_id", required=True, help="Kode fasilitas, mis. PSY-6111012001-01")
@click.option("--name", required=True)
@click.option("--kind", required=True, type=click.Choice(FACILITY_KINDS))
@click.option("--desa", "desa_code", help="Kode desa (10 digit, tanpa titik)")
@click.option("--kecamatan", "kecamatan_code", help="Kode kecamatan (6 digit)")
@click.option("--parent", "parent_id", help="Fasilitas induk (puskesmas untuk posyandu)")
@click.option("--wilayah-kerja", default="", help="Kode desa wilayah kerja, dipisah koma")
@with_appcontext
def add_facility_command(
    facility_id, name, kind, desa_code, kecamatan_code, parent_id, wilayah_kerja
):
    """Add or update a facility (puskesmas, pustu, poskesdes, posyandu)."""
    desa_code = desa_code.replace(".", "") if desa_code else None
    values = {
        "id": facility_id,
        "code": facility_id,
        "name": name,
        "kind": kind,
        "desa_code": desa_code,
        "parent_id": parent_id,
        "kecamatan_code": (kecamatan_code or (desa_code[:6] if desa_code else None)),
        "wilayah_kerja": [
            c.strip().replace(".", "") for c in wilayah_kerja.split(",") if c.strip()
        ],
    }
    _finish(write_records(db.session, [("facility", values)]), "fasilitas")


@cli.command("facilities")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def facilities_command(as_json):
    """List the facilities."""
    items = sorted(
        FacilityIndex.load(db.session).facilities.values(),
        key=lambda f: (FACILITY_KINDS.index(f.get("kind", "posyandu")), f["id"]),
    )
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=1))
        return
    for f in items:
        click.echo(
            f"{f['kind']:<10} {f['id']:<28} {f['name']:<32} desa={f.get('desa_code') or '-'}"
            f" induk={f.get('parent_id') or '-'}"
        )


def create_user(username: str, name: str, role: str, unit: str, password: str) -> User:
    """Create (or update) a user after checking the unit fits the role and the password the policy.

    Updating an existing user's password revokes its devices and ends its web sessions.
    """
    try:
        scope_for(role, unit, FacilityIndex.load(db.session))
    except UnknownUnit:
        raise click.ClickException(f"unit {unit!r} tidak cocok untuk peran {role}") from None
    username = username.strip().lower()
    user = db.session.execute(sa.select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        user = User(username=username, name=name, role=role, unit=unit, password_hash="")
        db.session.add(user)
    user.name, user.role, user.unit, user.active = name, role, unit, True
    _set_password(user, password)
    return user


def _set_password(user: User, password: str) -> None:
    """Set a password through the policy; a refused one is a ClickException with the reasons."""
    from server.auth import set_password
    from server.passwords import WeakPassword

    try:
        set_password(user, password)
    except WeakPassword as weak:
        raise click.ClickException("kata sandi ditolak: " + " ".join(weak.messages("id"))) from None


def read_password(password_file: str | None) -> str:
    """Read a new password from a file (its first line; ``-``: standard input), else a prompt.

    Never from the command line: argv is visible to every user of the machine (ps) and is kept
    in shell histories.
    """
    if password_file is None:
        return click.prompt("Kata sandi", hide_input=True, confirmation_prompt=True)
    with click.open_file(password_file, encoding="utf-8") as fh:
        first = fh.readline()
    password = first.rstrip("\r\n")
    if not password:
        raise click.ClickException("berkas kata sandi kosong")
    return password


PASSWORD_FILE_HELP = (
    "Baca kata sandi dari berkas ini (baris pertama; '-' = stdin). Tanpa ini: ditanya tanpa tampil."
)


@cli.command("create-user")
@click.option("--username", required=True)
@click.option("--name", help="Nama lengkap (default: username)")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option(
    "--facility",
    "unit",
    required=True,
    help="Id fasilitas (posyandu/puskesmas/dinkes) atau kode wilayah (desa/kecamatan)",
)
@click.option(
    "--password-file", type=click.Path(dir_okay=False, allow_dash=True), help=PASSWORD_FILE_HELP
)
@with_appcontext
def create_user_command(username, name, role, unit, password_file):
    """Create a user with a role and a facility or area (the password is asked, never an argument).

    Policy: at least 10 characters, not a common password, not holding the username.
    """
    password = read_password(password_file)
    create_user(username, name or username, role, unit.replace(".", ""), password)
    db.session.commit()
    click.echo(f"pengguna {username} ({role}, {unit}) siap")


@cli.command("update-user")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), help="Peran baru")
@click.option(
    "--facility", "unit", help="Fasilitas atau kode wilayah baru (mis. kader pindah posyandu)"
)
@click.option("--name", help="Nama lengkap baru")
@click.option("--active/--inactive", default=None, help="Aktifkan atau nonaktifkan pengguna")
@click.option("--set-password", is_flag=True, help="Ganti kata sandi (ditanya tanpa tampil)")
@click.option(
    "--password-file", type=click.Path(dir_okay=False, allow_dash=True), help=PASSWORD_FILE_HELP
)
@with_appcontext
def update_user_command(username, role, unit, name, active, set_password, password_file):
    """Change a user's role, facility, name, status or password.

    A new scope takes effect on the user's devices at their next pull, which starts over
    (``reset``); a deactivated user's devices are refused at once. A new password revokes all
    the user's devices and ends its web sessions: it signs in again everywhere.
    """
    user = db.session.execute(
        sa.select(User).where(User.username == username.strip().lower())
    ).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"pengguna {username} tidak ditemukan")
    role, unit = role or user.role, (unit or user.unit).replace(".", "")
    try:
        scope_for(role, unit, FacilityIndex.load(db.session))
    except UnknownUnit:
        raise click.ClickException(f"unit {unit!r} tidak cocok untuk peran {role}") from None
    user.role, user.unit = role, unit
    if name:
        user.name = name
    if active is not None:
        user.active = active
    if set_password or password_file:
        _set_password(user, read_password(password_file))
        click.echo("kata sandi diganti; semua perangkat dan sesi web pengguna ini harus masuk lagi")
    db.session.commit()
    click.echo(
        f"pengguna {user.username} ({user.role}, {user.unit}"
        f"{'' if user.active else ', nonaktif'}) diperbarui"
    )


@cli.command("revoke-device")
@click.argument("device_id")
@with_appcontext
def revoke_device_command(device_id):
    """Revoke a device's token (it must sign in again)."""
    device = db.session.get(Device, device_id)
    if device is None:
        raise click.ClickException(f"perangkat {device_id} tidak ditemukan")
    device.revoked_at = device.revoked_at or datetime.now(UTC)
    db.session.commit()
    click.echo(f"perangkat {device_id} dicabut")


@cli.command("seed-demo")
@click.option("--seed", default=1, show_default=True, type=int)
@click.option(
    "--scale",
    default=1.0,
    show_default=True,
    type=float,
    help="Fraction of the demo population (1.0 = about 4,400 balita)",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Last day of the demo year (default: the generator's fixed date, so a seed "
    "always gives the same data)",
)
@with_appcontext
def seed_demo_command(seed, scale, today):
    """Load the demo Kabupaten Kayong Utara: wilayah, facilities, users and a year of records."""
    from server import demo

    upgrade_database()
    data = demo.generate(seed, scale=scale, **({"today": today.date()} if today else {}))
    write_records(db.session, [("wilayah", w) for w in wilayah_from_csv(default_wilayah_csv())])
    report = write_records(
        db.session,
        [("wilayah", w) for w in data.wilayah] + [("facility", f) for f in data.facilities],
    )
    if report.rejected:
        _finish(report, "fasilitas")
    created = updated = 0
    for chunk in _chunks_at_persons(data.records, 5000):
        report = write_records(db.session, chunk)
        if report.rejected:
            _finish(report, "data")
        db.session.commit()
        db.session.expunge_all()  # keep memory flat: each chunk's rows are done
        created, updated = created + report.created, updated + report.updated
    passwords = _demo_users(data.users)
    db.session.commit()
    click.echo(f"data demo (seed {seed}): {created} baru, {updated} diperbarui")
    click.echo("pengguna demo:")
    for u in data.users:
        password = passwords.get(u["username"], "(sudah ada, kata sandi tetap)")
        click.echo(f"  {u['role']:<11} {u['username']:<24} {password}  ({u['unit']})")


DEMO_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off a screen


def demo_password() -> str:
    """Return a strong random password (about 59 bits) easy to type: ``xxxx-xxxx-xxxx``."""
    return "-".join("".join(secrets.choice(DEMO_ALPHABET) for _ in range(4)) for _ in range(3))


def _demo_users(users: list[dict]) -> dict[str, str]:
    """Create the demo users that do not exist yet, each with a new random password; return
    those passwords. Existing demo users keep theirs (and their signed-in devices)."""
    passwords = {}
    for u in users:
        exists = db.session.execute(
            sa.select(User.id).where(User.username == u["username"])
        ).first()
        if exists is None:
            passwords[u["username"]] = demo_password()
            create_user(u["username"], u["name"], u["role"], u["unit"], passwords[u["username"]])
    return passwords


@cli.command("rebuild-indicators")
@with_appcontext
def rebuild_indicators_command():
    """Recompute every posyandu-month indicator aggregate from the records."""
    from server.indicators.refresh import rebuild_all

    written = rebuild_all(db.session)
    db.session.commit()
    click.echo(f"agregat indikator dihitung ulang: {written} baris")


@cli.command("hari-buka")
@click.argument("csv_path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def hari_buka_command(csv_path):
    """Store posyandu hari buka from a CSV (posyandu_id,tanggal), all lines or none."""
    from server.web.hari_buka import parse_csv, save_day

    posyandu = {f["id"] for f in FacilityIndex.load(db.session).of_kind("posyandu")}
    with open(csv_path, encoding="utf-8-sig") as handle:
        try:
            lines = parse_csv(handle.read(), posyandu)
        except ValueError as wrong:
            raise click.ClickException(str(wrong)) from None
    for posyandu_id, day in lines:
        save_day(posyandu_id, day, "cli")
    db.session.commit()
    click.echo(f"hari buka: {len(lines)} posyandu disimpan")


def _chunks_at_persons(items: list, size: int):
    """Split records into chunks of about ``size``, cutting only before a person (its visits
    and pregnancies follow it in the same chunk, so their validation sees the person)."""
    chunk: list = []
    for kind, values in items:
        if len(chunk) >= size and kind == "person":
            yield chunk
            chunk = []
        chunk.append((kind, values))
    if chunk:
        yield chunk


cli.add_command(signals_cli)
cli.add_command(bundle_group)  # server/sync/commands.py: file bundles
cli.add_command(compact_command)  # server/sync/commands.py: tombstones and mutation log
cli.add_command(rederive_command)  # server/sync/commands.py: derived values after rule changes


def main(argv=None) -> None:
    """Entry point of the ``posyandu-server`` console script."""
    cli.main(args=argv if argv is not None else sys.argv[1:], prog_name="posyandu-server")


if __name__ == "__main__":  # pragma: no cover
    main()


__all__ = ["cli", "main", "upgrade_database", "current_app"]
