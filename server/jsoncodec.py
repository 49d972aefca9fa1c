"""Reading the database's JSON columns: orjson, with the standard library for what it refuses.

A push reads every stored record of the children it touches (an 80-visit push: about a thousand
``fields`` objects); ``json.loads`` was a sixth of such a push, orjson reads them in a third of
the time. The codec lives in ``shared/jsoncodec.py`` (the field client reads pull pages with it).
Writing stays with the standard library: orjson would write NaN as null.
"""

from __future__ import annotations

from shared.jsoncodec import loads

__all__ = ["loads"]
