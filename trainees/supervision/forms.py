"""Forms for supervision. They only read input; the services decide what is allowed.

None of them has a status, confirmation or signature field: a POST carrying one is simply ignored.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from core.forms import DateInput, DeidentifiedForm, DeidentifiedModelForm
from curriculum.models import Intervention
from trainees.deidentify import validate_deidentified
from trainees.models import (
    Case,
    Leave,
    ServiceSite,
    SupervisionSession,
    SupervisorAssignment,
    SupervisorProfile,
    SupervisorReport,
    SupervisorTraining,
)
from trainees.supervision.certificates import check_certificate
from trainees.supervision.selectors import case_review_choices, why_cannot_supervise
from trainees.supervision.services import REPORT_FIELDS


class SupervisorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class SupervisorProfileForm(DeidentifiedModelForm):
    class Meta:
        model = SupervisorProfile
        fields = ["professional_background", "pwp_experience", "qualified_as_pwp_on"]
        widgets = {
            "professional_background": forms.Textarea(attrs={"rows": 4}),
            "pwp_experience": forms.Textarea(attrs={"rows": 4}),
            "qualified_as_pwp_on": DateInput(),
        }
        help_texts = {
            "professional_background": "For example: mental health nurse, then PWP since 2018.",
            "pwp_experience": "Years in PWP roles, what you have supervised and any specialism.",
        }


class TrainingForm(DeidentifiedForm):
    kind = forms.ChoiceField(
        label="Type of training", choices=SupervisorTraining.Kind.choices, widget=forms.RadioSelect
    )
    provider = forms.CharField(label="Training provider", max_length=200)
    provider_iapt_accredited = forms.BooleanField(
        label="The provider is an IAPT-accredited training provider", required=False
    )
    completed_on = forms.DateField(label="Date completed", widget=DateInput())
    certificate = forms.FileField(
        required=False,
        help_text="A PDF, PNG or JPEG file up to 10 MB. Only you and programme staff can open it.",
    )

    def clean_completed_on(self):
        value = self.cleaned_data["completed_on"]
        if value > timezone.localdate():
            raise ValidationError("The completion date cannot be in the future.")
        return value

    def clean_certificate(self):
        upload = self.cleaned_data.get("certificate")
        if upload:
            check_certificate(upload)
        return upload


class SessionForm(DeidentifiedForm):
    kind = forms.ChoiceField(
        label="Kind of supervision", choices=SupervisionSession.Kind.choices, widget=forms.RadioSelect
    )
    date = forms.DateField(widget=DateInput())
    minutes = forms.IntegerField(
        label="Length in minutes",
        min_value=5,
        max_value=480,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4"}),
    )
    format = forms.ChoiceField(
        label="Individual or group",
        choices=SupervisionSession.Format.choices,
        widget=forms.RadioSelect,
        initial=SupervisionSession.Format.INDIVIDUAL,
    )
    group_size = forms.IntegerField(
        label="Group size (for a group session)",
        min_value=2,
        max_value=30,
        required=False,
        help_text="How many people took part, you included.",
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-2"}),
    )
    supervisor = SupervisorChoiceField(queryset=User.objects.none(), empty_label="Choose your supervisor")
    cases = forms.ModelMultipleChoiceField(
        label="Cases reviewed (case management)",
        queryset=Case.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The pseudonymous case references discussed in this session.",
    )
    all_overdue = forms.BooleanField(label="Reviewed all overdue cases", required=False)
    topics = forms.CharField(
        label="Topics covered",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Never enter a patient's name, NHS number, date of birth or address.",
        validators=[lambda value: validate_deidentified(value, what="The topics")],
    )
    live_assessment_intervention = forms.ModelChoiceField(
        label="Live assessment: intervention assessed (clinical skills)",
        queryset=Intervention.objects.all(),
        required=False,
        empty_label="No live assessment in this session",
    )
    live_assessment_outcome = forms.ChoiceField(
        label="Live assessment: outcome on the mark sheet",
        choices=[("", "No live assessment"), *SupervisionSession.Outcome.choices],
        required=False,
    )
    live_assessment_score = forms.IntegerField(
        label="Live assessment: total score on the mark sheet (if recorded)",
        min_value=0,
        max_value=200,
        required=False,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}),
    )

    def __init__(self, *args, enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment
        supervisor_ids = SupervisorAssignment.objects.filter(enrolment=enrolment).values("supervisor_id")
        self.fields["supervisor"].queryset = User.objects.filter(pk__in=supervisor_ids).order_by(
            "last_name", "first_name"
        )
        # Open cases only (and any already on the entry being changed), overdue ones first: a discharged
        # case needs no review, and a long flat list cost a keyboard user a Tab press per case.
        keep = [int(pk) for pk in (self.initial.get("cases") or [])]
        self.case_choices = case_review_choices(enrolment, on=timezone.localdate(), keep=keep)
        self.fields["cases"].queryset = Case.objects.filter(pk__in=[c.case.pk for c in self.case_choices])
        self.overdue_case_ids = [c.case.pk for c in self.case_choices if c.overdue]
        if self.overdue_case_ids:
            count = len(self.overdue_case_ids)
            self.fields["all_overdue"].label = (
                f"Reviewed all {count} overdue cases"
                if count > 1
                else f"Reviewed the overdue case, {self.case_choices[0].case.reference}"
            )
        else:
            del self.fields["all_overdue"]
        if not self.case_choices:
            self.fields["cases"].help_text = "You have no open cases on your caseload."
        else:
            open_count = sum(1 for c in self.case_choices if c.case.closed_on is None)
            self.fields["cases"].help_text = (
                f"Your {open_count} open case{'s' if open_count != 1 else ''}, "
                f"{len(self.overdue_case_ids)} overdue for review. Discharged cases are not listed."
            )

    @property
    def selected_case_ids(self) -> set[int]:
        value = self["cases"].value() or []
        return {int(pk) for pk in value if str(pk).isdigit()}

    @property
    def open_case_picker(self) -> bool:
        """Show the one-by-one list open: on an error there, or when cases besides the overdue are chosen."""
        return bool(self.errors.get("cases")) or bool(self.selected_case_ids - set(self.overdue_case_ids))

    def clean(self):
        data = super().clean()
        if data.get("format") == SupervisionSession.Format.GROUP and not data.get("group_size"):
            self.add_error("group_size", "Give the number of people in the group.")
        kind = data.get("kind")
        if data.get("all_overdue"):
            chosen = {c.pk for c in data.get("cases") or []}
            extra = [c.case for c in self.case_choices if c.overdue and c.case.pk not in chosen]
            data["cases"] = [*(data.get("cases") or []), *extra]
        if data.get("cases") and kind and kind != SupervisionSession.Kind.CASE_MANAGEMENT:
            self.add_error("cases", "Cases reviewed are recorded for case-management sessions only.")
        has_intervention = data.get("live_assessment_intervention") is not None
        has_outcome = bool(data.get("live_assessment_outcome"))
        if has_intervention or has_outcome:
            if kind and kind != SupervisionSession.Kind.CLINICAL_SKILLS:
                self.add_error(
                    "live_assessment_intervention",
                    "Live assessments are recorded in clinical-skills sessions only.",
                )
            elif not has_intervention:
                self.add_error("live_assessment_intervention", "Choose the intervention assessed.")
            elif not has_outcome:
                self.add_error("live_assessment_outcome", "Choose the outcome on the mark sheet.")
        day = data.get("date")
        if day and day > timezone.localdate():
            self.add_error("date", "A session cannot be logged before it has happened.")
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "on": data["date"],
            "minutes": data["minutes"],
            "format": data["format"],
            "group_size": data.get("group_size"),
            "supervisor": data["supervisor"],
            "topics": data.get("topics", ""),
            "cases": list(data.get("cases") or []),
            "live_assessment_intervention": data.get("live_assessment_intervention"),
            "live_assessment_outcome": data.get("live_assessment_outcome", ""),
            "live_assessment_score": data.get("live_assessment_score"),
        }

    @classmethod
    def initial_from(cls, session: SupervisionSession) -> dict:
        return {
            "kind": session.kind,
            "date": session.date,
            "minutes": session.minutes,
            "format": session.format,
            "group_size": session.group_size,
            "supervisor": session.supervisor_id,
            "cases": [c.pk for c in session.cases_reviewed.all()],
            "topics": session.topics,
            "live_assessment_intervention": session.live_assessment_intervention_id,
            "live_assessment_outcome": session.live_assessment_outcome,
            "live_assessment_score": session.live_assessment_score,
        }


class ReopenForm(DeidentifiedForm):
    reason = forms.CharField(
        label="Why does this entry need to be reopened?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        validators=[lambda value: validate_deidentified(value, what="The reason")],
    )


class LeaveForm(DeidentifiedModelForm):
    class Meta:
        model = Leave
        fields = ["kind", "starts_on", "ends_on"]
        labels = {"kind": "Type of leave", "starts_on": "First day", "ends_on": "Last day"}
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(), "kind": forms.RadioSelect}

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The last day cannot be before the first day.")
        return data


class ReportForm(DeidentifiedModelForm):
    class Meta:
        model = SupervisorReport
        fields = list(REPORT_FIELDS)
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "progress": forms.RadioSelect,
            **{
                name: forms.Textarea(attrs={"rows": 4})
                for name in (
                    "engagement",
                    "clinical_skills",
                    "case_management",
                    "values",
                    "strengths",
                    "development",
                )
            },
        }

    def clean(self):
        data = super().clean()
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            self.add_error("period_end", "The period cannot end before it starts.")
        return data


class AssignmentForm(DeidentifiedForm):
    username = forms.CharField(
        label="Supervisor's username", max_length=150, help_text="The username they sign in with."
    )
    kind = forms.ChoiceField(
        label="Role", choices=SupervisorAssignment.Kind.choices, widget=forms.RadioSelect
    )
    starts_on = forms.DateField(label="From", widget=DateInput())
    ends_on = forms.DateField(label="Until (optional)", widget=DateInput(), required=False)

    def __init__(self, *args, enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise ValidationError("Nobody with that username can sign in. Check the spelling.")
        if user.pk == self.enrolment.user_id:
            raise ValidationError("A trainee cannot supervise themselves.")
        self.cleaned_data["supervisor"] = user
        return username

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The assignment cannot end before it starts.")
        person, kind, starts_on = data.get("supervisor"), data.get("kind"), data.get("starts_on")
        if person and starts_on and kind and kind != SupervisorAssignment.Kind.LINE_MANAGER:
            refusal = why_cannot_supervise(person, starts_on)
            if refusal:
                self.add_error("username", refusal)
        return data


class EndAssignmentForm(DeidentifiedForm):
    ends_on = forms.DateField(label="Last day", widget=DateInput())


class SiteForm(DeidentifiedModelForm):
    class Meta:
        model = ServiceSite
        fields = ["name", "qualified_staff", "counted_on"]
        widgets = {"counted_on": DateInput()}


class SiteStaffForm(DeidentifiedModelForm):
    class Meta:
        model = ServiceSite
        fields = ["qualified_staff", "counted_on"]
        widgets = {"counted_on": DateInput()}


class PlacementForm(DeidentifiedForm):
    site = forms.ModelChoiceField(
        queryset=ServiceSite.objects.none(), label="Site", empty_label="Choose a site"
    )

    def __init__(self, *args, enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = ServiceSite.objects.filter(service=enrolment.employing_service_id)


class IdentifiersForm(DeidentifiedForm):
    deidentify_exempt = {
        "service_staff_id": "the service's identifier for the trainee, a member of staff, not a patient",
        "hesa_number": "the trainee's HESA or Unique Learner Number: a ULN is ten digits with a check "
        "digit, so the NHS-number check would refuse some real ones",
    }

    service_staff_id = forms.CharField(
        label="Staff identifier in the service's clinical system",
        max_length=40,
        required=False,
        help_text="As it appears in the service's extracts (for example CarePersLocalId), so that the "
        "trainee's rows are found in a file holding several practitioners.",
    )
    hesa_number = forms.CharField(label="HESA or ULN number (optional)", max_length=20, required=False)
