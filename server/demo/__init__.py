"""The synthetic demo kabupaten (Kayong Utara): see generator.py."""

from server.demo.generator import DEFAULT_TODAY, generate

__all__ = ["DEFAULT_TODAY", "generate"]
