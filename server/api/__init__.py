"""The sync API blueprints (``/api/v1``), documented in the OpenAPI document."""
