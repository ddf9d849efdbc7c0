from django.apps import AppConfig
from django.db.models.signals import pre_save


class CoreConfig(AppConfig):
    name = "core"

    def ready(self):
        from core.identifiers import refuse_identifiers_before_save

        # For every model: a guarded field is checked just before its row is written.
        pre_save.connect(refuse_identifiers_before_save, dispatch_uid="core.refuse_identifiers_before_save")
