"""State changes of the ECVET app."""
