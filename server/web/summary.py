"""Ringkasan, Tren, Anak and the exports (placeholder until the pages land)."""

from flask import render_template

from . import bp, login_required


@bp.route("/ringkasan")
@login_required()
def summary():
    """Show the summary of a month and area."""
    return render_template("web/placeholder.html", title_key="web.nav.summary")


@bp.route("/tren")
@login_required()
def trend():
    """Show 12-month trends."""
    return render_template("web/placeholder.html", title_key="web.nav.trend")
