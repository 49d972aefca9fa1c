"""``posyandu-server bundle import|export``, ``compact`` and ``rederive`` (added to the command
group in server/cli.py): file bundles for devices without signal, compaction, and re-deriving
every record's derived values after a rule-table change."""

from __future__ import annotations

import json
import os
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from server.extensions import db


@click.group("bundle")
def bundle_group():
    """File bundles for devices without signal (see server/sync/bundle.py)."""


def _bundle_refused(exc, as_json: bool):
    """Say why a bundle was refused (JSON with --json) and exit with status 1."""
    if as_json:
        click.echo(
            json.dumps(
                {"error": {"code": exc.code, "message": exc.message}, "report": exc.report},
                ensure_ascii=False,
            )
        )
        sys.exit(1)
    raise click.ClickException(exc.message)


@bundle_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.option(
    "--rescue",
    is_flag=True,
    help="Accept the rescue bundle of a revoked device or deactivated user (signature checked).",
)
@with_appcontext
def bundle_import_command(file, as_json, rescue):
    """Verify a device's bundle and apply its changes as an online push would."""
    from server.sync.bundle import BundleRefused, import_device_bundle

    with open(file, "rb") as fh:
        data = fh.read()
    try:
        report = import_device_bundle(
            db.session, data, zone=current_app.config["LOCAL_TIMEZONE"], rescue=rescue
        )
    except BundleRefused as exc:
        db.session.rollback()
        _bundle_refused(exc, as_json)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
        return
    click.echo(
        f"kiriman perangkat {report['device_id']} ({report['username']}): "
        f"{report['mutations']} perubahan: {report['applied']} diterapkan, "
        f"{report['merged']} digabung, {report['conflict']} konflik, "
        f"{report['rejected']} ditolak, {report['duplicate']} sudah pernah diterima"
    )


@bundle_group.command("export")
@click.option("--device", "device_id", required=True, help="Id perangkat tujuan")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@with_appcontext
def bundle_export_command(device_id, file, as_json):
    """Write a bundle for a device: its scope's changes and the answers to its changes."""
    from server.sync.bundle import BundleRefused, export_device_bundle

    try:
        data, summary = export_device_bundle(db.session, device_id)
    except BundleRefused as exc:
        db.session.rollback()
        _bundle_refused(exc, as_json)
    db.session.rollback()  # read only
    _write_private(file, data)
    summary["bytes"] = len(data)
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    click.echo(
        f"kiriman untuk perangkat {summary['device_id']} ({summary['username']}) ditulis ke "
        f"{file}: {summary['changes']} data, {summary['acks']} jawaban"
        + (", unduh ulang seluruh wilayah" if summary["reset"] else "")
    )


def _write_private(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` (mode 0600: health data) through a temporary file."""
    tmp = f"{path}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


@click.command("compact")
@click.option(
    "--keep-days",
    default=365,
    show_default=True,
    type=click.IntRange(min=0),
    help="Keep deleted records and mutation-log rows this many days.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@with_appcontext
def compact_command(keep_days, as_json):
    """Purge old tombstones and mutation-log rows no replay needs; raise the horizon."""
    from server.sync.compaction import compact

    report = compact(db.session, keep_days)
    db.session.commit()
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    click.echo(
        f"data: {report.records_before} -> {report.records_after} baris "
        f"({report.tombstones_purged} dari {report.tombstones_before} data terhapus dibuang); "
        f"log mutasi: {report.mutation_log_before} -> {report.mutation_log_after} baris; "
        f"batas pemadatan (horizon): {report.horizon_before} -> {report.horizon}"
    )


@click.command("rederive")
@click.option(
    "--batch",
    default=500,
    show_default=True,
    type=click.IntRange(min=1),
    help="Persons per transaction.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@with_appcontext
def rederive_command(batch, as_json):
    """Re-derive every person's records (z-scores, N/T, 2T, BGM, KBM, ILP values) after a
    change of the rule tables; values that differ are stored as server changes."""
    from server.sync.rederive import rederive_all

    report = rederive_all(db.session, batch=batch, zone=current_app.config["LOCAL_TIMEZONE"])
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(report.by_kind.items()))
    click.echo(
        f"nilai turunan dihitung ulang: {report.persons} orang diperiksa, "
        f"{report.changed} data berubah" + (f" ({kinds})" if kinds else "")
    )
