"""Normalizers and validators: each a small module over pandas Series, table-tested."""
