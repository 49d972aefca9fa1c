"""Mutu data, Konflik, Lokmin, Evaluasi mingguan, Pengguna (placeholder until the pages land)."""

from flask import render_template

from . import bp, login_required


@bp.route("/mutu-data")
@login_required()
def quality():
    """Show data quality."""
    return render_template("web/placeholder.html", title_key="web.nav.quality")


@bp.route("/konflik")
@login_required()
def conflicts():
    """Show the conflict queue."""
    return render_template("web/placeholder.html", title_key="web.nav.conflicts")


@bp.route("/lokmin")
@login_required()
def lokmin():
    """Show lokmin meetings and agreements."""
    return render_template("web/placeholder.html", title_key="web.nav.lokmin")


@bp.route("/evaluasi-mingguan")
@login_required()
def weekly():
    """Show the weekly review."""
    return render_template("web/placeholder.html", title_key="web.nav.weekly")


@bp.route("/pengguna")
@login_required({"admin"})
def users():
    """Show users and devices."""
    return render_template("web/placeholder.html", title_key="web.nav.users")
