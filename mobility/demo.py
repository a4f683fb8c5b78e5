"""Mobility demo data, added by `manage.py seed_demo` through its signal."""
