"""Parsing and validation of the HR system's exports (pure: bytes in, typed rows out)."""
