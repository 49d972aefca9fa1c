"""The database's JSON columns, read and written with orjson where it gives what the standard
library gives (the codec is ``shared/jsoncodec.py``; the field client reads pull pages with it).

Reading: a push reads every stored record of the children it touches (an 80-visit push: about a
thousand ``fields`` objects); ``json.loads`` was a sixth of such a push. Writing: six JSON values
per record (the record's fields and field times, the log's fields, errors, conflicts and refusal
details); ``json.dumps`` was a twentieth of a bulk push.
"""

from __future__ import annotations

from shared.jsoncodec import dumps, loads

__all__ = ["dumps", "loads"]
