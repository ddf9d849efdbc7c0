from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "workforce"
    verbose_name = "Careers and workforce"

    def ready(self):
        # Every saved or deleted workforce row (through a service, the loader or the Django admin) makes the
        # cached reports stale once its transaction commits: one hook, not a call each writer must remember.
        from django.db.models.signals import post_delete, post_save

        from workforce import report_cache

        def changed(sender, raw=False, **kwargs):
            if not raw:
                report_cache.data_changed()

        for model in self.get_models():
            uid = f"workforce-report-cache-{model._meta.model_name}"
            post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
            post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid)
