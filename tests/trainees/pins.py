"""Pinned query counts shared by several areas' tests of one page.

The cohort page: 10 for the page itself (one the header's unread notifications), 6 for the training-days
columns, 5 for supervision, 4 for caseload.
It must not grow with the cohort; every area's test checks it at 10 and 200 trainees with its own records.
"""

COHORT_PAGE_QUERIES = 25
