"""Competence assessments, attempts, marking, moderation and sign-offs (built in issue #4)."""
