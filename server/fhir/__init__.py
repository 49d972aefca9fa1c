"""SATUSEHAT (FHIR R4) export: a month of posyandu services as a Bundle (issue #17).

``mapping.py`` reads the versioned code mapping (``mapping-YYYY-MM.json``), ``resources.py`` and
``observations.py`` build the resources as plain dicts (the server does not depend on a FHIR
library; the tests validate with ``fhir.resources``), ``bundle.py`` streams the Bundle.
"""
