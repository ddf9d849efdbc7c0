"""The project's own apps, as settings install them: tests that walk every model, form or admin of the
project read this, so an app added to INSTALLED_APPS is walked without anyone remembering to list it."""

from pathlib import Path

from django.apps import apps
from django.conf import settings

# An app of the project is a folder at the top of the project (installed packages live deeper, in the venv).
PROJECT_APPS = tuple(
    config.name for config in apps.get_app_configs() if Path(config.path).parent == settings.BASE_DIR
)
