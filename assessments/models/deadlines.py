"""Submission deadlines: the day each assessment component is due, for each cohort."""

from django.db import models


class SubmissionDeadline(models.Model):
    """The last day a cohort's trainees may submit a component on time (set on the cohort's edit page)."""

    cohort = models.ForeignKey("curriculum.Cohort", on_delete=models.CASCADE, related_name="+")
    component = models.ForeignKey(
        "assessments.AssessmentComponent", on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(help_text="The last day to submit on time.")

    class Meta:
        ordering = ["cohort", "due_on"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "component"], name="one_deadline_per_cohort_component")
        ]

    def __str__(self):
        return f"{self.component} for {self.cohort}: {self.due_on:%d %B %Y}"
