"""ECVET demo data (catalogue, memorandum), added by `manage.py seed_demo` through its signal."""
