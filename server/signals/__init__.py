"""Signals: trouble seen within a week, raised by the rules of ``rules.csv`` on a posyandu.

from server.signals import evaluate, signals_summary
evaluate(db.session, today)            # raise the new signals (once per rule, unit, period)
signals_summary(db.session, g.scope)   # open and overdue signals per puskesmas
"""

from server.signals.evaluate import evaluate, signal_id
from server.signals.summary import signals_summary

__all__ = ["evaluate", "signal_id", "signals_summary"]
