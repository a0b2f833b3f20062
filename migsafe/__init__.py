"""migsafe: Django migration safety checker and rewriter for PostgreSQL."""

__version__ = "0.1.0"
