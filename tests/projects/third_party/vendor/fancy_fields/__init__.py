"""A third-party package of custom fields and operations (installed; not the project's own code)."""
