"""The field client: a local Flask app, its SQLite store, the outbox and the sync agent.

Only :mod:`field_client.launcher` knows about pywebview; everything else runs headless.
"""
