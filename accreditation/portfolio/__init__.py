"""Portfolios: the PDF (data -> HTML -> PDF, cached), submitted snapshots and their verification,
accreditation visits with their sampled portfolios, and visit packs built in the background."""
