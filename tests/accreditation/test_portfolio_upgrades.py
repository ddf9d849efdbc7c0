"""Snapshots frozen before a section changed shape still read properly on the snapshot page, which draws
stored data with today's templates (their PDFs never change)."""

from django.template.loader import render_to_string

from accreditation.portfolio.data import for_display
from tests.accreditation.factories_portfolios import SAM_WEEKLY

SAM = SAM_WEEKLY
UMA = {
    **SAM,
    "minutes": 90,
    "format": "Group",
    "group_size": 4,
    "supervisor": "Uma Bright",
    "credentialed": False,
}


def old_supervision() -> dict:
    """The shape frozen before the one-table layout: a small table per month, present kinds only."""
    kind = {"kind": "case_management", "label": "Case management"}
    return {
        "key": "supervision",
        "title": "Supervision",
        "sessions": 4,
        "months": [
            {
                "label": "October 2025",
                "sessions": 3,
                "hours": 3.5,
                "kinds": [
                    {
                        **kind,
                        "sessions": 2,
                        "lines": [{"detail": SAM, "dates": ["2025-10-07", "2025-10-14"]}],
                    },
                    {
                        "kind": "clinical_skills",
                        "label": "Clinical skills",
                        "sessions": 1,
                        "lines": [{"detail": UMA, "dates": ["2025-10-09"]}],
                    },
                ],
            },
            {
                "label": "November 2025",
                "sessions": 1,
                "hours": 1.0,
                "kinds": [{**kind, "sessions": 1, "lines": [{"detail": SAM, "dates": ["2025-11-04"]}]}],
            },
        ],
    }


def old_caseload() -> dict:
    return {"key": "caseload", "title": "Caseload", "chart": {"actual_markers": [{"x": 10.5, "y": 20}]}}


def test_an_old_supervision_section_becomes_one_row_per_month_with_a_column_per_kind():
    (section,) = for_display({"sections": [old_supervision()]})["sections"]
    assert [c["kind"] for c in section["session_columns"]] == ["case_management", "clinical_skills"]
    assert section["session_columns"][0]["usual"] == SAM
    assert section["session_columns"][1]["usual"] is None  # its only session did not count
    october, november = section["months"]
    assert [k["kind"] for k in november["kinds"]] == ["case_management", "clinical_skills"]
    assert november["kinds"][1]["lines"] == []
    (uma,) = october["kinds"][1]["lines"]
    assert (uma["usual"], uma["show_format"], uma["show_supervisor"]) == (False, True, True)
    assert (october["sessions"], october["hours"], november["hours"]) == (3, 3.5, 1.0)

    html = render_to_string("pdf/sections/supervision.html", {"section": section})
    assert "usually 60 minutes, individual, Sam Fletcher" in html
    assert "7, 14" in html
    assert "9 (90 minutes, group of 4, with Uma Bright, <strong>not credentialed then: does not count" in html


def test_an_old_caseload_chart_gets_marker_pairs_and_todays_data_is_left_alone():
    (section,) = for_display({"sections": [old_caseload()]})["sections"]
    assert section["chart"]["actual_markers"] == [[10.5, 20]]
    current = {"sections": [{"key": "caseload", "chart": {"actual_markers": [[1, 2]]}}, {"key": "cpd"}]}
    assert for_display(current) == current
