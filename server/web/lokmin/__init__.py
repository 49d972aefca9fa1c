"""Lokmin lintas sektor: meetings per kecamatan and quarter, their agreements (RTL), each sector's
plan, attachments, the audit trail and the printable report.

Kecamatan and puskesmas users write the lokmin of their kecamatan; everyone else reads what their
scope holds. Modules: ``pages`` (the list and its filter), ``rows`` (the form as rows), ``edit``
(create, edit, delete), ``audit`` (the write path and the history), ``attachments``, ``report``
(one meeting, printable, XLSX) and ``tables`` (CSV and XLSX downloads).
"""

from server.web.lokmin import (  # noqa: F401  (routes)
    attachments,
    edit,
    messages,  # noqa: F401  (registers the catalogue)
    pages,
    report,
)
from server.web.lokmin.pages import can_write_lokmin, is_overdue, lokmin_groups  # noqa: F401
