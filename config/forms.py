"""How every form renders its errors, so that each one follows the NHS.UK error pattern without each form
having to remember it (WCAG 3.3.1, 3.3.3).

- A required field left empty says what to do and names the field ("Enter the visit's title", "Choose a
  rating for 3. Rapport") instead of Django's "This field is required.", which a screen-reader user hears
  out of context in the error summary.
- Each field knows the id its error-summary link should point at: the first real option of a radio group
  or set of checkboxes (Django's own id_for_label is empty for those, so the link pointed at "#").
"""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

REQUIRED = str(forms.Field.default_error_messages["required"])
CHOICE_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


def _phrase(label: str) -> str:
    """The label as a phrase inside a sentence: "Date of the attempt" -> "date of the attempt", but
    "CPD activity" and "NHS number" keep their capitals."""
    label = str(label).strip().rstrip(":").removesuffix("(optional)").strip()
    first = label.split(" ", 1)[0]
    if len(first) > 1 and first[1:].islower() and first[0].isupper():
        return label[0].lower() + label[1:]
    return label


def required_message(field: forms.Field, label: str) -> str:
    """What to tell someone who left this field empty, naming the field."""
    widget = field.widget
    name = _phrase(label)
    if str(label).strip().endswith("?"):
        return f"Answer the question “{str(label).strip()}”"
    if isinstance(widget, forms.CheckboxInput):
        return f"Tick the box to confirm: {name}"
    if isinstance(widget, forms.FileInput):
        return f"Choose a file for {name}"
    if isinstance(widget, forms.Select | forms.RadioSelect | forms.CheckboxSelectMultiple):
        # A blank choice such as "Choose a rating" says best what is wanted: "Choose a rating for 3. Rapport".
        for value, text in getattr(field, "choices", ()):
            if value in ("", None) and str(text).lower().startswith(("choose", "select")):
                return f"{text} for {label}"
        return f"Choose {name}"
    return f"Enter {name}"


class AccessibleBoundField(BoundField):
    @property
    def errors(self):
        errors = super().errors
        if REQUIRED not in errors:
            return errors
        message = required_message(self.field, self.label)
        return self.form.error_class(
            [message if str(error) == REQUIRED else error for error in errors],
            renderer=self.form.renderer,
            field_id=self.auto_id,
        )

    @property
    def error_target_id(self) -> str:
        """The id an error-summary link moves focus to: the control itself, or the first real option."""
        if isinstance(self.field.widget, CHOICE_WIDGETS):
            for option in self.subwidgets:
                if option.data.get("value") not in ("", None):
                    return option.id_for_label
        return self.id_for_label or self.auto_id


class AccessibleFormRenderer(TemplatesSetting):
    """The project's form templates (templates/django/forms/), with fields that name themselves in errors."""

    bound_field_class = AccessibleBoundField
