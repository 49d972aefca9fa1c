"""The day a record counts on, kept in the indexed column ``record.event_date`` (issue #16).

Evaluasi mingguan reads a week of a kabupaten (about ten thousand rows of a million) by
``(kind, event_date)`` instead of filtering every record's JSON. The column is set by the model
whenever a record's ``fields`` are assigned (``server.models.Record``), so every writer keeps it:
the ChangeSet, and anything else that builds a ``Record``. Migration 0007 fills it for the rows
already stored.

``DAY_FIELDS`` are also the dates by which a record falls in a posyandu-month for the month lock
(``server/sync/locks.py``); a pregnancy (its registration) and a person (a death) count in a week
but belong to no locked month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from shared import records
from shared.calendar import as_date

# the services of a posyandu day by their event date: one list, the kinds' specs (shared/records)
DAY_FIELDS = records.month_service_dates()
EVENT_DATE_FIELDS = {**DAY_FIELDS, "pregnancy": "registered_on", "person": "died_on"}


def event_date_of(kind: str | None, fields: Mapping | None) -> dt.date | None:
    """Return the day a record of ``kind`` counts on, or None (no such date, or not a date)."""
    name = EVENT_DATE_FIELDS.get(kind or "")
    if name is None or not isinstance(fields, Mapping):
        return None
    try:
        return as_date(fields.get(name))
    except (TypeError, ValueError):
        return None
