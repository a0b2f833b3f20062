"""Rules: stable ids, each reading facts and saying what to do instead. See registry.py."""
