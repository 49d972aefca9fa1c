"""Domain core shared by the field client and the server: records, growth, indicators, sync.

Pure Python; imports neither ``server`` nor ``field_client``.
"""
