"""Learning Agreement demo data; runs after ecvet.demo (catalogue and memorandum)."""
