from django.apps import AppConfig


class AccreditationConfig(AppConfig):
    name = "accreditation"
    verbose_name = "Accreditation, portfolios and visits"

    def ready(self):
        from accreditation.portfolio.cache import queue_after_change
        from trainees.enrolment.versions import on_records_changed

        # When a trainee's records change, render the new version of their portfolio in the background.
        on_records_changed(queue_after_change)
