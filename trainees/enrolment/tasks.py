"""Background tasks of the enrolment area (django.tasks): run by `manage.py db_worker`."""

from django.tasks import task

from trainees.enrolment.facts import warm


@task
def remember_facts_task(enrolment_ids: list[int]) -> dict:
    """Work out and remember today's facts for trainees whose records just changed."""
    return {"trainees": warm(enrolment_ids)}
