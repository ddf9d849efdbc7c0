"""Pinned query counts shared by several areas' tests of one page.

The cohort page: 10 for the page itself (one the header's unread notifications), 6 for the training-days
columns, 5 for supervision, 4 for caseload.
It must not grow with the cohort; every area's test checks it at 10 and 200 trainees with its own records.

Each area whose facts are remembered between requests (`trainees.enrolment.facts`) adds `REMEMBERING`
queries when nothing is remembered yet, as in these tests (one to read the rows, one to write those worked
out); once they are remembered, the area's own reads are not made at all.
"""

REMEMBERING = 2
COHORT_PAGE_QUERIES = 25 + 3 * REMEMBERING  # training days, supervision and caseload remembered
# The same page once its trainees' facts are remembered: one read for each of the three areas in place of
# their 15 (6 training days, 5 supervision, 4 caseload).
COHORT_PAGE_REMEMBERED = 25 - 15 + 3
