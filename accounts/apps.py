from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and access"

    def ready(self):
        from accounts import signals  # noqa: F401  (login, logout and lockout events go to the audit log)
