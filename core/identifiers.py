"""One guard against identifiable numbers in free text: the detector, and the form and model building blocks.

The product stores only a service-issued pseudonymous case reference, so every free-text field and every
uploaded file name refuses what looks like an NHS number (10 digits passing the modulus 11 check, written with
any separators or none), a date of birth or an e-mail address, with a message naming the field.

Where it applies, by default:
- model fields: `DeidentifiedCharField` and `DeidentifiedTextField` validate in `full_clean` (so in every
  ModelForm and the Django admin) and again just before the row is written (`refuse_identifiers_before_save`,
  connected for every model in `core.apps`), so a service that skips `full_clean` still cannot store one;
- forms: `DeidentifiedForm` and `DeidentifiedModelForm` (in `core.forms`) guard every text field and every
  uploaded file's name, including fields a form adds in its own `__init__`;
- the audit trail: `withhold_identifiers` replaces any value the guard refuses before it is appended.

tests/core/test_identifiers_everywhere.py walks every model and form in the project and fails when a text
field is not guarded and not exempt with a reason.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.text import capfirst

# Digits joined by at most three separator characters (spaces, dots, dashes, slashes, underscores, commas...).
# Each repetition must consume a digit and a separator is never a digit, so matching is linear in the text.
_DIGIT_RUN = re.compile(r"\d(?:(?:[^\w\r\n]|_){0,3}\d)*")
_DIGIT_GROUP = re.compile(r"\d+")
# Starts only where a word starts and takes the local part possessively: a long text is read in linear time.
_EMAIL = re.compile(r"(?<![^\s@])[^@\s]++@[^@\s]+\.[^@\s]+")
_NUMERIC_DATE = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4}|\d{2})(?!\d)"
    r"|(?<!\d)(?P<iy>\d{4})[/.\-](?P<im>\d{1,2})[/.\-](?P<id>\d{1,2})(?!\d)"
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_WORDED_DATE = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m>[A-Za-z]{3,9})\.?,?\s+(?P<y>\d{4})(?!\d)", re.IGNORECASE
)
_BIRTH_WORDS = re.compile(r"\b(?:d\.?\s?o\.?\s?b\.?|date of birth|born)\b", re.IGNORECASE)

# A training record talks about dates inside a training or a career (a teaching day, a course, a
# registration). A date written in figures (12/03/2011, 12.03.11, 2011-03-12) further back than this is
# more likely a patient's date of birth (patients are children or adults, so born at least this long ago), so
# it is refused. Any date, in figures or words ("12 March 2011"), next to "DOB", "date of birth" or "born" is
# refused whatever its year.
TRAINING_RECORD_YEARS = 5

NHS_NUMBER = "it contains what looks like an NHS number (10 digits with a valid check digit)"
EMAIL_ADDRESS = "it contains an email address"
DATE_OF_BIRTH = "it contains what looks like a date of birth"

# The longest free text any field takes unless it says otherwise: far more than any note or reflection needs,
# and small enough that a portfolio of them renders in moments.
DEFAULT_TEXT_LIMIT = 10_000


def _passes_modulus_11(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def is_valid_nhs_number(candidate: str) -> bool:
    """True when `candidate` holds exactly 10 digits whose check digit passes the modulus 11 test."""
    digits = "".join(re.findall(r"\d", candidate))
    return len(digits) == 10 and _passes_modulus_11(digits)


def nhs_numbers_in(text: str) -> list[str]:
    """Every stretch of `text` that reads as an NHS number, whatever separates its digits.

    Digits are read in their written groups ("943 476 5919" is three groups): any run of whole consecutive
    groups holding exactly ten digits is a candidate, so a number is found beside another number but a group
    is never cut in two (a phone number "020 7946 0958" holds eleven digits and is not a candidate). One
    sliding window over the groups, so the time is linear in the length of the text.
    """
    found = []
    for run in _DIGIT_RUN.finditer(text or ""):
        written = run.group(0)
        groups = [(m.start(), m.end()) for m in _DIGIT_GROUP.finditer(written)]
        digits = "".join(written[start:end] for start, end in groups)
        offsets, total = [], 0
        for start, end in groups:
            offsets.append(total)
            total += end - start
        last, count = 0, 0
        for first, (start, end) in enumerate(groups):
            while last < len(groups) and count < 10:
                count += groups[last][1] - groups[last][0]
                last += 1
            if count == 10 and _passes_modulus_11(digits[offsets[first] : offsets[first] + 10]):
                found.append(written[start : groups[last - 1][1]])
            count -= end - start
    return found


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        this_century = datetime.date.today().year % 100
        year += 2000 if year <= this_century else 1900
    return year


def _dates_in(text: str, *, worded: bool):
    for match in _NUMERIC_DATE.finditer(text):
        if match.group("d"):
            day, month, year = match.group("d"), match.group("m"), match.group("y")
        else:
            day, month, year = match.group("id"), match.group("im"), match.group("iy")
        for d, m in ((int(day), int(month)), (int(month), int(day))):  # day first, or month first
            try:
                yield match, datetime.date(_year(year), m, d)
                break
            except ValueError:
                continue
    for match in _WORDED_DATE.finditer(text) if worded else ():
        month = _MONTHS.get(match.group("m").lower())
        if month:
            try:
                yield match, datetime.date(int(match.group("y")), month, int(match.group("d")))
            except ValueError:
                continue


def _looks_like_a_date_of_birth(text: str) -> bool:
    today = datetime.date.today()
    horizon = today.replace(year=today.year - TRAINING_RECORD_YEARS, day=min(today.day, 28))
    birth_words = _BIRTH_WORDS.search(text) is not None
    return any(birth_words or date < horizon for _match, date in _dates_in(text, worded=birth_words))


def identifying_reason(text) -> str | None:
    """Why `text` looks like it identifies a patient, in words, or None."""
    if not text or not isinstance(text, str):
        return None
    if nhs_numbers_in(text):
        return NHS_NUMBER
    if _EMAIL.search(text):
        return EMAIL_ADDRESS
    if _looks_like_a_date_of_birth(text):
        return DATE_OF_BIRTH
    return None


def refusal(what: str, reason: str) -> str:
    return (
        f"{what} cannot be saved because {reason}. Records here must not identify a patient: "
        "use the service's pseudonymous case reference only."
    )


def validate_deidentified(text, *, what: str = "This") -> None:
    reason = identifying_reason(text)
    if reason:
        raise ValidationError(refusal(what, reason), code="identifying")


def validate_file_name(name, *, what: str = "The file") -> None:
    """Refuse an uploaded file whose name identifies a patient: the name is shown and stored."""
    reason = identifying_reason(str(name or ""))
    if reason:
        raise ValidationError(
            f"{what} cannot be uploaded because its name {reason.removeprefix('it ')}. "
            "Rename the file so that it does not identify a patient, then upload it again.",
            code="identifying",
        )


class GuardValidator:
    """A validator naming its field: `GuardValidator("The feedback")`. Deconstructible for migrations."""

    def __init__(self, what: str = "This"):
        self.what = what

    def __call__(self, value):
        validate_deidentified(value, what=self.what)

    def __eq__(self, other):
        return isinstance(other, GuardValidator) and other.what == self.what

    def deconstruct(self):
        return ("core.identifiers.GuardValidator", (self.what,), {})


class FileNameValidator:
    """Checks an uploaded file's name (the form field's value is the uploaded file)."""

    def __init__(self, what: str = "The file"):
        self.what = what

    def __call__(self, value):
        for upload in value if isinstance(value, list | tuple) else [value]:
            validate_file_name(getattr(upload, "name", upload), what=self.what)

    def __eq__(self, other):
        return isinstance(other, FileNameValidator) and other.what == self.what

    def deconstruct(self):
        return ("core.identifiers.FileNameValidator", (self.what,), {})


def what_for(label) -> str:
    """ "The feedback" for a field labelled "Feedback"; a label already starting with a word stays."""
    text = str(label or "This field").strip().rstrip(":")
    return capfirst(text)


class DeidentifiedField:
    """Marks a model field as free text the guard checks (in `validate`, and before every save)."""

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        validate_deidentified(value, what=what_for(self.verbose_name))


class DeidentifiedCharField(DeidentifiedField, models.CharField):
    def deconstruct(self):
        # Migrations record a plain CharField: the guard changes no column, so no table is rebuilt (on SQLite
        # a rebuild would drop the triggers that protect signed records).
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


class DeidentifiedTextField(DeidentifiedField, models.TextField):
    """Free text, capped at DEFAULT_TEXT_LIMIT characters unless a `max_length` is given.

    A TextField's max_length is enforced by forms only, so the cap is also a validator: full_clean, the admin
    and the save-time guard refuse an oversized value whatever the path.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", DEFAULT_TEXT_LIMIT)
        super().__init__(*args, **kwargs)
        self.validators.append(MaxLengthValidator(self.max_length))

    def deconstruct(self):
        # A plain TextField to migrations, as for DeidentifiedCharField: the cap is not a column property.
        name, _path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == DEFAULT_TEXT_LIMIT:
            del kwargs["max_length"]
        return name, "django.db.models.TextField", args, kwargs


def guarded_model_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, DeidentifiedField)]


def refuse_identifiers_before_save(sender, instance, raw=False, **kwargs):
    """pre_save for every model: the last check before a row is written, whether or not full_clean ran."""
    if raw:
        return
    errors = {}
    for field in guarded_model_fields(sender):
        value = getattr(instance, field.attname)
        reason = identifying_reason(value)
        if reason:
            errors[field.name] = [refusal(what_for(field.verbose_name), reason)]
        elif field.max_length and isinstance(value, str) and len(value) > field.max_length:
            errors[field.name] = [
                f"{what_for(field.verbose_name)} must be {field.max_length:,} characters or fewer "
                f"(it has {len(value):,})."
            ]
    if errors:
        raise ValidationError(errors)


WITHHELD = "(withheld: {reason})"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ][\d:.+\-Z]*)?$")
# A digest (SHA-256 of a portfolio) or a UUID (a task) as the whole value is a machine's, not free text.
_MACHINE_VALUE = re.compile(r"^(?:[0-9a-f]{32,128}|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})$")


def withhold_identifiers(value):
    """A copy of `value` (text, or JSON of lists and dicts) with every string the guard refuses replaced.

    For the audit trail, which can never be edited: it records that a field changed without copying text that
    identifies a patient. An ISO date on its own is a field's value (a start date), not a date of birth in
    text, an address that is the whole value is an account's e-mail field, and a hexadecimal digest or UUID
    that is the whole value is a machine's; all three are kept.
    """
    if isinstance(value, str):
        if _ISO_DATE.match(value) or _EMAIL.fullmatch(value.strip()) or _MACHINE_VALUE.match(value):
            return value
        reason = identifying_reason(value)
        return WITHHELD.format(reason=reason.removeprefix("it ")) if reason else value
    if isinstance(value, dict):
        return {key: withhold_identifiers(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [withhold_identifiers(item) for item in value]
    return value
