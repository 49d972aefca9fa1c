"""The API's blueprints: flask-smorest's, with arguments read from the body already parsed.

``server.errors.check_json_body`` reads every API request's JSON body strictly before the
endpoint runs; webargs would parse it a second time (a 1,000-mutation push body twice). The
parser here takes the parsed body instead; a body not parsed there is read as webargs reads it.
"""

from __future__ import annotations

import flask_smorest
from webargs.flaskparser import FlaskParser

from server.errors import PARSED_BODY


class _ParsedBodyParser(FlaskParser):
    def _raw_load_json(self, req):
        if PARSED_BODY in req.environ:
            return req.environ[PARSED_BODY]
        return super()._raw_load_json(req)


class Blueprint(flask_smorest.Blueprint):
    """An API blueprint (see the module docstring)."""

    ARGUMENTS_PARSER = _ParsedBodyParser()
