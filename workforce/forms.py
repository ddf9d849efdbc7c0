from django import forms

from core.forms import DateInput, DeidentifiedForm
from core.identifiers import GuardValidator
from workforce.models import (
    DIVERSITY_DIMENSIONS,
    Band,
    Destination,
    LeavingReason,
    Outcome,
    PostKind,
    PriorBackground,
    SeniorRole,
)


class AsOfForm(DeidentifiedForm):
    as_of = forms.DateField(label="Figures on", required=False, widget=DateInput())


class CorrectionForm(DeidentifiedForm):
    post = forms.TypedChoiceField(
        label="Which post is it about?", coerce=int, required=False, empty_value=None
    )
    message = forms.CharField(
        label="What is wrong, and what should it say?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[GuardValidator("Your message")],
        error_messages={"required": "Enter what is wrong and what it should say"},
    )

    def __init__(self, *args, posts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].choices = [("", "Something not listed (for example a missing post)")] + [
            (p.pk, f"{p.job_title}, {p.service.name}, from {p.starts_on:%d %B %Y}") for p in posts
        ]


class DiversityForm(DeidentifiedForm):
    """Every question optional, each with "Prefer not to say"; leaving one blank means not answered."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (question, choices) in DIVERSITY_DIMENSIONS.items():
            self.fields[name] = forms.ChoiceField(
                label=question,
                required=False,
                choices=[("", "Not answered")] + list(choices.choices),
                widget=forms.Select,
            )


class DecisionForm(DeidentifiedForm):
    note = forms.CharField(label="Note (required when declining)", max_length=500, required=False)


class PostForm(DeidentifiedForm):
    person = forms.ModelChoiceField(queryset=None, label="Person", empty_label="Choose a person")
    job_title = forms.CharField(label="Job title", max_length=200)
    kind = forms.ChoiceField(label="Kind of post", choices=PostKind.choices)
    band = forms.TypedChoiceField(label="Agenda for Change band", choices=Band.choices, coerce=int)
    senior_role = forms.ChoiceField(
        label="Senior role (band 6 and above only)",
        choices=[("", "None")] + SeniorRole.choices,
        required=False,
    )
    site = forms.ModelChoiceField(queryset=None, label="Site", required=False, empty_label="No site")
    wte = forms.DecimalField(
        label="Whole-time equivalent", min_value=0.01, max_value=1, decimal_places=2, initial=1
    )
    starts_on = forms.DateField(label="Start date", widget=DateInput())
    ends_on = forms.DateField(label="Last day (if ended)", required=False, widget=DateInput())
    leaving_reason = forms.ChoiceField(
        label="Leaving reason (if they left the service)",
        choices=[("", "Did not leave")] + LeavingReason.choices,
        required=False,
    )
    destination = forms.ChoiceField(
        label="Destination (if they left the service)",
        choices=[("", "Did not leave")] + Destination.choices,
        required=False,
    )

    prior_background = forms.ChoiceField(
        label="Their role before PWP training (if not yet recorded)",
        choices=[("", "Leave as it is")] + PriorBackground.choices,
        required=False,
    )

    def __init__(self, *args, people, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["site"].queryset = sites


class EndPostForm(DeidentifiedForm):
    ends_on = forms.DateField(label="Last day in post", widget=DateInput())
    leaving_reason = forms.ChoiceField(
        label="Leaving reason (leave blank for a move within the service)",
        choices=[("", "Moved within the service")] + LeavingReason.choices,
        required=False,
    )
    destination = forms.ChoiceField(
        label="Destination (leave blank for a move within the service)",
        choices=[("", "Moved within the service")] + Destination.choices,
        required=False,
    )


class StaffingForm(DeidentifiedForm):
    counted_on = forms.DateField(label="Counted on", widget=DateInput())
    high_intensity_headcount = forms.IntegerField(
        label="High-intensity therapists who are not users of the tracker", min_value=0
    )
    pwp_share_target = forms.IntegerField(
        label="Target share of PWPs (%)", min_value=0, max_value=100, initial=40
    )


class RecruitmentForm(DeidentifiedForm):
    name = forms.CharField(
        label="Name of the round",
        max_length=200,
        help_text="For example “Trainee PWPs for the January 2027 intake”.",
    )
    posts_offered = forms.IntegerField(label="Trainee posts offered", min_value=1, max_value=500)
    opens_on = forms.DateField(label="Advert opens on", widget=DateInput())
    closes_on = forms.DateField(label="Advert closes on", widget=DateInput())
    cohort = forms.ModelChoiceField(
        queryset=None, label="Training cohort they will join", required=False, empty_label="Not known yet"
    )

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts


class ApplicationForm(DiversityForm):
    """An application from the recruitment system: its reference (never a name), the applicant's current
    or most recent role, the outcome so far, and the applicant's own equal opportunities answers."""

    field_order = ["reference", "prior_background", "outcome"]

    reference = forms.CharField(label="Application reference", max_length=60)
    prior_background = forms.ChoiceField(
        label="Current or most recent role",
        choices=[("", "Not recorded")] + PriorBackground.choices,
        required=False,
    )
    outcome = forms.ChoiceField(label="Outcome so far", choices=Outcome.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)


class OutcomeForm(DeidentifiedForm):
    outcome = forms.ChoiceField(label="Outcome", choices=Outcome.choices)
    on = forms.DateField(
        label="Date of the outcome",
        required=False,
        help_text="Leave blank for today.",
        widget=DateInput(),
    )
