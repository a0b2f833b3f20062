"""A Django database backend for PostgreSQL that never connects (ENGINE = "migsafe.render.offline")."""
