"""Forms for trainees' records, one module per area."""
