from django.apps import AppConfig


class AccreditationConfig(AppConfig):
    name = "accreditation"
    verbose_name = "Accreditation, portfolios and visits"

    def ready(self):
        from accreditation.attention import remember_reasons
        from accreditation.facts import remember_readiness_facts
        from accreditation.portfolio.cache import queue_after_change
        from trainees.enrolment.facts import warm_with
        from trainees.enrolment.versions import on_records_changed

        # When a trainee's records change, render the new version of their portfolio in the background, and
        # work out again what the readiness table and the attention list show for today.
        on_records_changed(queue_after_change)
        warm_with(remember_readiness_facts)
        warm_with(remember_reasons)
