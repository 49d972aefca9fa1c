"""Real parts for tests, the soak run and the bench: a live server, the fixture world, a fault proxy.

A package of its own (not under tests/) so that soak/ and bench/ import it without importing the
test suite.
"""
