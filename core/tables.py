"""Tables whose body is worked out once per page, in plain Python, rather than cell by cell by django-tables2.

django-tables2 still orders, paginates and draws the header (sort links, `aria-sort`), but its per-cell
path (an accessor lookup, `inspect.signature` and a bound-method call for every cell) cost about three
quarters of the cohort page at forty trainees. A table that mixes in `CellsTable` names one function per
column in `cells()`; `page_rows` calls them directly for the rows of the current page, after `prepare_page`
has loaded, in bulk and once, whatever those rows need. The template (`tables/nhsuk_table_cells.html`)
writes `body_html`: the rows' HTML joined in Python, each cell escaped and localised as `{{ cell }}` would
be (a template loop over 680 cells cost several milliseconds of a cohort page).
"""

from collections.abc import Callable
from datetime import date
from functools import lru_cache

from django.utils.formats import date_format, localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language


def day_month_year(value) -> str:
    """A date as django-tables2's `DateColumn(format="j M Y")` writes it ("3 Feb 2026"), or a dash."""
    if not value:
        return "–"
    if type(value) is date:  # a page repeats its dates; formatting one costs about 70 µs
        return _day_month_year(value, get_language())
    return date_format(value, "j M Y")


@lru_cache(maxsize=4096)
def _day_month_year(value: date, language: str | None) -> str:
    """Keyed by the active language too: the month's abbreviation is translated."""
    return date_format(value, "j M Y")


class CellsTable:
    """Mix into a `django_tables2.Table` before it: the page's cells, in the header's column order."""

    def cells(self) -> dict[str, Callable]:
        """{column name: function of the record returning the cell's text or safe HTML}."""
        raise NotImplementedError

    def prepare_page(self, records: list) -> None:
        """Load, in bulk, anything the current page's cells need (nothing by default)."""

    @property
    def page_rows(self) -> list[tuple[object, list]]:
        rows = getattr(self, "_page_rows", None)
        if rows is None:
            records = [row.record for row in self.paginated_rows]
            self.prepare_page(records)
            makers = self.cells()
            columns = [makers[column.name] for column in self.columns]
            rows = self._page_rows = [(record, [make(record) for make in columns]) for record in records]
        return rows

    @property
    def body_html(self) -> str:
        """The page's rows as the body's HTML (`tables/nhsuk_table_cells.html`)."""
        return mark_safe(  # noqa: S308 - every cell is escaped by _cell_html
            "".join(
                '<tr class="nhsuk-table__row">'
                + "".join(f'<td class="nhsuk-table__cell">{_cell_html(cell)}</td>' for cell in cells)
                + "</tr>\n"
                for _, cells in self.page_rows
            )
        )


def _cell_html(value) -> str:
    """A cell as the template's `{{ cell }}` writes it (django.template.base.render_value_in_context, with
    automatic escaping on): localised, then escaped unless already safe."""
    if type(value) is not str:
        value = localize(template_localtime(value))
    return conditional_escape(value)
