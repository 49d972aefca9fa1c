"""Compress large JSON responses with gzip when the client accepts it."""

import gzip

from flask import Response, request

MIN_SIZE = 1024


def compress_response(response: Response) -> Response:
    """Gzip the body of a large, uncompressed JSON response if ``Accept-Encoding`` allows."""
    if (
        response.direct_passthrough
        or response.status_code < 200
        or "gzip" not in request.headers.get("Accept-Encoding", "").lower()
        or "Content-Encoding" in response.headers
        or not response.mimetype.endswith("json")
    ):
        return response
    data = response.get_data()
    if len(data) < MIN_SIZE:
        return response
    response.set_data(gzip.compress(data, compresslevel=5))
    response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    return response
