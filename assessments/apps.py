from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Competence assessment and sign-off"

    def ready(self):
        from assessments.selectors import competence_statuses_for
        from trainees.enrolment.facts import warm_with

        def competence_grid_facts(enrolments, today):
            """The competence grid's statuses for today, worked out ahead when records change."""
            competence_statuses_for(enrolments, on=today)

        warm_with(competence_grid_facts)
