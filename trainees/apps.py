from django.apps import AppConfig


class TraineesConfig(AppConfig):
    name = "trainees"
    verbose_name = "Trainees and their training"

    def ready(self):
        from trainees.enrolment.facts import remember_ahead, warm_with
        from trainees.enrolment.versions import on_records_changed
        from trainees.remembered import cohort_page_facts

        # When a trainee's records change, work out again in the background what the cohort page shows.
        on_records_changed(remember_ahead)
        warm_with(cohort_page_facts)
