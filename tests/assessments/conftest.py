import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Evidence files go to a fresh directory per test, never into var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
