"""Workforce reports as spreadsheets, through the one export contract (`core.spreadsheets`).

The sheets are written from the same suppressed reports the pages show: a hidden figure is the same words in
the workbook, so an export can never hold more than the page.
"""

from datetime import date

from accounts.models import Organisation
from core.spreadsheets import ExportFile, Sheet, render_xlsx
from workforce import reports
from workforce.suppression import Cell, SuppressedTable


def _value(cell: Cell):
    return str(cell) if cell.hidden else cell.count


def _table_sheet(title: str, table: SuppressedTable, row_header: str) -> Sheet:
    def rows():
        for label, cells, total in table.rows:
            yield [label, *(_value(c) for c in cells), _value(total)]
        yield ["Total", *(_value(c) for c in table.column_totals), _value(table.total)]

    return Sheet(
        title, [row_header, *table.column_labels, "Total"], rows, bold_headers=True, freeze_headers=True
    )


def report_sheets(name: str, everything: dict) -> list[Sheet]:
    """The sheets of one report, from `reports.service_report`'s suppressed reports."""
    if name == "retention":
        report = everything["retention"]
        return [
            _table_sheet(f"Retention {months} months", table, "Cohort") for months, table in report.tables
        ]
    if name == "turnover":
        rows = [
            [
                y.year,
                y.period_end,
                _value(y.headcount_start),
                _value(y.headcount_end),
                _value(y.leavers),
                y.rate,
            ]
            for y in everything["turnover"]
        ]
        headers = ["Year", "To", "Headcount at start", "Headcount at end", "Leavers", "Turnover (%)"]
        return [Sheet("Turnover", headers, rows, bold_headers=True, freeze_headers=True)]
    if name == "staffing":
        report = everything["staffing"]
        sites = [
            [
                s.name,
                _value(s.qualified),
                _value(s.trainees),
                s.source,
                ("Below" if s.below else "Meets") if s.is_site else "Does not apply",
            ]
            for s in report.sites
        ]
        balance = report.balance
        return [
            Sheet(
                "Sites",
                ["Site", "Qualified staff", "Trainees", "Qualified counted from", "1 to 2 rule"],
                sites,
                bold_headers=True,
            ),
            Sheet(
                "Balance",
                ["PWPs", "High-intensity therapists", "PWP share (%)", "Target PWP share (%)"],
                [
                    [
                        _value(balance.pwp),
                        _value(balance.high_intensity),
                        balance.pwp_share,
                        balance.target_pwp_share,
                    ]
                ],
                bold_headers=True,
            ),
            _table_sheet("Band mix", report.band_mix, "Year end"),
        ]
    if name == "applicants":
        report = everything["applicants"]
        rounds = [[r.name, r.opens_on, r.closes_on, r.posts_offered] for r in report.rounds]
        return [
            Sheet(
                "Rounds",
                ["Recruitment round", "Advert opens", "Advert closes", "Trainee posts offered"],
                rounds,
                bold_headers=True,
            ),
            _table_sheet("Applications by outcome", report.outcomes, "Round"),
            _table_sheet("Role before training", report.backgrounds, "Group"),
        ]
    report = everything["diversity"]
    return [_table_sheet(question[:31], table, "Stage") for question, table in report.tables]


def export_report(service: Organisation, name: str, as_of: date) -> ExportFile:
    sheets = report_sheets(name, reports.service_report(service, as_of))  # cached with the pages'
    return render_xlsx(f"workforce-{name}-{service.code}-{as_of:%Y-%m-%d}.xlsx", sheets)
