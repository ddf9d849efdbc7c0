import pytest

from accreditation import facts as facts_module
from accreditation.reference import load_schemes
from tests.accreditation.factories_readiness import constructed_gather


@pytest.fixture
def schemes(curriculum):
    load_schemes()


@pytest.fixture
def facts_overrides(monkeypatch):
    """Constructed facts for the other areas' data (see `constructed_gather`); tests fill in the dict."""
    overrides: dict = {}
    monkeypatch.setattr(facts_module, "gather_facts_for", constructed_gather(overrides))
    return overrides
