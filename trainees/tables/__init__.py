"""django-tables2 tables for trainees' records."""
