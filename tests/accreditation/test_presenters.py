"""Readiness evidence is named from the trainee's facts, never by a database id ("Sign-off 39")."""

import re

from accreditation.engine import CriterionResult
from accreditation.presenters import evidence_links
from tests.accreditation import factories_readiness as fr


def criterion(*evidence) -> CriterionResult:
    return CriterionResult(
        code="x",
        kind="competences_signed",
        description="",
        met=True,
        value=1,
        target=1,
        unit="",
        gap="",
        evidence=tuple(evidence),
    )


def test_each_evidence_record_is_named_for_what_it_is():
    facts = fr.ready_facts()
    signed = facts.competences[0]
    links = evidence_links(
        criterion(("sign_off", signed.sign_off_id), ("supervision_report", 8), ("cpd", 501)), facts
    )
    assert [link["label"] for link in links] == [
        f"Sign-off of {signed.name}, 1 June 2026",
        "Final supervisor's report, signed 1 March 2027",
        "CPD activity 2 (25 January 2027)",
    ]
    ids = {str(signed.sign_off_id), "8", "501"}
    assert not any(ids & set(re.findall(r"\d+", link["label"])) for link in links)


def test_a_record_the_facts_do_not_hold_is_still_named_in_words():
    links = evidence_links(
        criterion(("sign_off", 999), ("supervision_report", 998), ("cpd", 997)), fr.ready_facts()
    )
    assert [link["label"] for link in links] == [
        "A competence sign-off",
        "A supervisor's report",
        "A CPD activity",
    ]
