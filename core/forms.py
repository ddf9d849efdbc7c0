"""Base forms: every text field and every uploaded file's name passes the identifier guard by default.

Use `DeidentifiedForm` / `DeidentifiedModelForm` instead of Django's `forms.Form` / `forms.ModelForm`
(tests/core/test_identifiers_everywhere.py fails for a project form that does not). A field that is not free
text written by a person is exempt by naming it in `deidentify_exempt` with the reason.
"""

from django import forms
from django.core.validators import MaxLengthValidator
from django.forms.utils import pretty_name

from core.identifiers import DEFAULT_TEXT_LIMIT, FileNameValidator, GuardValidator, what_for

# Text fields whose value is not free text: their own validation already says what they may hold.
NOT_FREE_TEXT = (
    forms.EmailField,
    forms.SlugField,
    forms.URLField,
    forms.UUIDField,
    forms.GenericIPAddressField,
)


class DateInput(forms.DateInput):
    """The one date widget: a browser date picker. It accepts only ISO dates, so a date already known (an
    initial value, a record being edited) is given back as one; in the locale's format (01/12/2026) the
    browser shows the field empty, and saving the page blanks it."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs=attrs, format=format)


def is_guarded_form_field(field) -> bool:
    return any(isinstance(v, GuardValidator | FileNameValidator) for v in field.validators)


class TextLengthValidator(MaxLengthValidator):
    """Django's length check, on text only: a JSON or list field's cleaned value is not counted."""

    def __call__(self, value):
        if isinstance(value, str):
            super().__call__(value)


def cap_length(field) -> None:
    """Every text field takes at most DEFAULT_TEXT_LIMIT characters unless it says less (or, like an import
    profile's JSON, says more): a huge paste is refused with a message naming the field, before any service,
    render or audit line sees it."""
    if isinstance(field, forms.CharField) and not field.max_length:
        field.max_length = DEFAULT_TEXT_LIMIT
        field.validators.append(TextLengthValidator(DEFAULT_TEXT_LIMIT))


class DeidentifiedFormMixin:
    # {"field name": "why it is not free text"}
    deidentify_exempt: dict[str, str] = {}

    def guard_fields(self):
        for name, field in self.fields.items():
            cap_length(field)
            if name in self.deidentify_exempt or is_guarded_form_field(field):
                continue
            what = what_for(field.label or pretty_name(name))
            if isinstance(field, forms.FileField):
                field.validators.append(FileNameValidator(what))
            elif isinstance(field, forms.CharField) and not isinstance(field, NOT_FREE_TEXT):
                field.validators.append(GuardValidator(what))

    def full_clean(self):
        # Here rather than in __init__, so fields a subclass adds in its own __init__ are guarded too.
        self.guard_fields()
        super().full_clean()


class DeidentifiedForm(DeidentifiedFormMixin, forms.Form):
    pass


class DeidentifiedModelForm(DeidentifiedFormMixin, forms.ModelForm):
    pass
