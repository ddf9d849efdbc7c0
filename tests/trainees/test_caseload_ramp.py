"""The ramp arithmetic: pure functions, no database (except where the profiles come from the fixture)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trainees.caseload.ramp import DAYS_PER_MONTH, Ramp, TrainingClock, merged_pauses
from trainees.caseload.selectors import _ramp
from trainees.models import CaseloadSettings, RampProfile

GUIDE = Ramp(
    code="guide",
    name="Guide's ramp",
    kind="stepped",
    annual_caseload=250,
    none_months=2,
    partial_share=0.8,
    full_from_month=10,
    end_share=1.0,
)
CURRICULUM = Ramp(
    code="curriculum",
    name="Curriculum ramp",
    kind="linear",
    annual_caseload=250,
    none_months=2,
    partial_share=0.0,
    full_from_month=13,
    end_share=0.7,
)


def test_the_guides_ramp_gives_about_170_patients_over_12_months():
    # Months 1-2 none, 3-9 at 80%, 10-12 full, of 250 a year: (7 x 0.8 + 3) x 250 / 12 = 179.
    assert GUIDE.year_total == pytest.approx(179.17, abs=0.01)
    assert 165 <= GUIDE.year_total <= 180


def test_three_months_of_none_gives_about_163():
    later = Ramp(**{**GUIDE.__dict__, "none_months": 3})
    assert later.year_total == pytest.approx(162.5, abs=0.01)


def test_the_guides_ramp_month_by_month():
    shares = [GUIDE.month_share(m) for m in range(1, 13)]
    assert shares == pytest.approx([0, 0, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 1, 1, 1])
    assert GUIDE.expected_new(2) == 0
    assert GUIDE.expected_new(6) == pytest.approx(4 * 0.8 * 250 / 12)
    # After the training year the total stays put.
    assert GUIDE.expected_new(15) == GUIDE.year_total


def test_the_curriculum_ramp_ends_at_60_to_80_percent_of_full():
    assert CURRICULUM.share_at(0) == 0
    assert CURRICULUM.share_at(2) == 0
    end_share = CURRICULUM.share_at(12 - 1e-9)
    assert 0.6 <= end_share <= 0.8
    assert CURRICULUM.month_share(12) < 0.8
    # A straight line: half way through the build-up it is at half the end share.
    assert CURRICULUM.share_at(7) == pytest.approx(0.35)
    assert CURRICULUM.year_total == pytest.approx(0.7 * 10 / 2 * 250 / 12)


def test_the_annual_caseload_scales_everything():
    smaller = Ramp(**{**GUIDE.__dict__, "annual_caseload": 200})
    assert smaller.year_total == pytest.approx(GUIDE.year_total * 200 / 250)


def test_the_expected_active_caseload_is_the_last_episode_of_new_patients():
    # At full rate, 8 weeks of 250 a year is about 38 patients.
    assert GUIDE.expected_active(11) == pytest.approx(250 / 12 * 8 * 7 / DAYS_PER_MONTH)
    assert GUIDE.expected_active(1) == 0


def test_the_margin_is_a_percentage_or_a_floor_of_patients():
    assert GUIDE.margin(100) == 20
    assert GUIDE.margin(10) == 5


def test_an_interruption_pauses_the_training_clock():
    start = date(2026, 1, 5)
    plain = TrainingClock.of(start, [])
    paused = TrainingClock.of(start, [(date(2026, 3, 1), date(2026, 3, 31))])
    on = date(2026, 6, 30)
    assert plain.days_elapsed(on) - paused.days_elapsed(on) == 31
    assert paused.position(on) == pytest.approx(plain.position(on) - 31 / DAYS_PER_MONTH)
    # Month 2 ends 31 days later than it would have.
    assert paused.date_at(2) == plain.date_at(2) + timedelta(days=31)
    assert plain.position(start - timedelta(days=1)) == 0


def test_overlapping_interruptions_count_once():
    pauses = merged_pauses([(date(2026, 3, 1), date(2026, 3, 20)), (date(2026, 3, 10), date(2026, 3, 31))])
    assert pauses == [(date(2026, 3, 1), date(2026, 3, 31))]


@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
    offset=st.integers(min_value=0, max_value=800),
    pauses=st.lists(
        st.tuples(st.integers(min_value=-30, max_value=700), st.integers(min_value=0, max_value=120)),
        max_size=3,
    ),
)
def test_date_at_undoes_position_on_any_training_day(start, offset, pauses):
    clock = TrainingClock.of(
        start, [(start + timedelta(days=a), start + timedelta(days=a + n)) for a, n in pauses]
    )
    on = start + timedelta(days=offset)
    if clock.paused_days(on, on) or clock.days_elapsed(on) == 0:
        return  # a paused day has no training position of its own
    assert clock.date_at(clock.position(on)) == on


@pytest.mark.django_db
def test_the_fixture_profiles_are_the_guides_and_the_curriculums(curriculum):
    guide = RampProfile.objects.get(code="guide")
    assert guide.is_default
    assert _ramp(guide, None).year_total == pytest.approx(179.17, abs=0.01)
    linear = RampProfile.objects.get(code="curriculum")
    ramp = _ramp(linear, None)
    assert 0.6 <= ramp.share_at(ramp.training_months - 1e-9) <= 0.8


@pytest.mark.django_db
def test_a_programme_can_set_its_own_months_of_none_and_annual_caseload(curriculum):
    guide = RampProfile.objects.get(code="guide")
    settings = CaseloadSettings(profile=guide, annual_caseload=250, none_months=3)
    assert _ramp(guide, settings).year_total == pytest.approx(162.5, abs=0.01)
    settings = CaseloadSettings(profile=guide, annual_caseload=300, none_months=None)
    assert _ramp(guide, settings).year_total == pytest.approx(179.17 * 300 / 250, abs=0.01)


def test_the_stepped_ramp_is_full_share_from_month_10_exactly():
    # Month 10 starts at position 9 (0 = the first day): 80% just before, the full share from then on.
    assert GUIDE.share_at(8.99) == 0.8
    assert GUIDE.share_at(9.0) == 1.0
    assert GUIDE.month_share(10) == pytest.approx(1.0) and GUIDE.month_share(9) == pytest.approx(0.8)


def test_the_last_month_of_training_is_the_boundary_of_the_ramp():
    # The last training day still ramps; from the end of training on, the end-of-training share holds.
    assert CURRICULUM.share_at(11.99) == pytest.approx(0.7 * 9.99 / 10)
    assert CURRICULUM.share_at(12.0) == 0.7
    assert GUIDE.share_at(12.0) == 1.0
    assert GUIDE.expected_new(13) == GUIDE.expected_new(12) == GUIDE.year_total
    assert GUIDE.month_share(12) == pytest.approx(1.0) and GUIDE.month_share(13) == 0.0


def test_a_stepped_ramp_ends_training_at_a_full_share_whatever_its_end_share_says():
    stepped = Ramp(
        code="s",
        name="S",
        kind="stepped",
        annual_caseload=120,
        none_months=1,
        partial_share=0.5,
        full_from_month=6,
        end_share=0.4,
    )
    assert stepped.share_at(12) == 1.0 and stepped.share_at(30) == 1.0
    linear = Ramp(
        code="l",
        name="L",
        kind="linear",
        annual_caseload=120,
        none_months=1,
        partial_share=0.0,
        full_from_month=13,
        end_share=0.4,
    )
    assert linear.share_at(12) == 0.4


def test_month_shares_start_in_month_one_and_there_is_no_month_zero():
    at_once = Ramp(
        code="a",
        name="A",
        kind="stepped",
        annual_caseload=120,
        none_months=0,
        partial_share=0.5,
        full_from_month=3,
        end_share=1.0,
    )
    assert at_once.month_share(0) == 0.0
    assert at_once.month_share(1) == pytest.approx(0.5)
    assert at_once.month_share(3) == pytest.approx(1.0)
    assert GUIDE.month_share(0) == 0.0 and GUIDE.month_share(-1) == 0.0


def test_the_first_month_with_a_caseload_starts_exactly_when_the_months_of_none_end():
    # Months 1 and 2 have none: position 2 (the first day of month 3) already has the partial share.
    assert GUIDE.share_at(1.99) == 0.0
    assert GUIDE.share_at(2.0) == 0.8


def test_a_stepped_ramp_never_full_during_training_is_full_from_its_end():
    never_full = Ramp(**{**GUIDE.__dict__, "full_from_month": 13})
    assert never_full.share_at(11.99) == 0.8
    assert never_full.share_at(12.0) == 1.0


def test_part_of_a_month_at_the_partial_share_gives_part_of_its_patients():
    # Half a month into month 3 (position 2.5): half a month at 80%.
    assert GUIDE.expected_new(2.5) == pytest.approx(0.5 * 0.8 * 250 / 12)


def test_interruptions_that_touch_merge_and_a_day_between_keeps_them_apart():
    touching = merged_pauses([(date(2026, 3, 11), date(2026, 3, 20)), (date(2026, 3, 1), date(2026, 3, 10))])
    assert touching == [(date(2026, 3, 1), date(2026, 3, 20))]
    apart = merged_pauses([(date(2026, 3, 1), date(2026, 3, 10)), (date(2026, 3, 12), date(2026, 3, 20))])
    assert apart == [(date(2026, 3, 1), date(2026, 3, 10)), (date(2026, 3, 12), date(2026, 3, 20))]


def test_the_first_day_of_training_is_training_day_one():
    start = date(2026, 1, 5)
    clock = TrainingClock.of(start, [])
    assert clock.paused_days(start, start + timedelta(days=30)) == 0
    assert clock.days_elapsed(start) == 1 and clock.days_elapsed(start - timedelta(days=1)) == 0
    assert clock.date_at(clock.position(start)) == start


def test_date_at_steps_over_interruptions_before_after_and_on_the_start():
    start = date(2026, 1, 5)
    # An interruption ending on the first day: training begins the day after.
    clock = TrainingClock.of(start, [(start - timedelta(days=5), start)])
    assert clock.days_elapsed(start + timedelta(days=1)) == 1
    assert clock.date_at(1 / DAYS_PER_MONTH) == start + timedelta(days=1)
    # One before the start is passed over and a later one still counts.
    clock = TrainingClock.of(
        start,
        [
            (start - timedelta(days=10), start - timedelta(days=5)),
            (start + timedelta(days=10), start + timedelta(days=19)),
        ],
    )
    assert clock.date_at(15 / DAYS_PER_MONTH) == start + timedelta(days=24)
    # The last training day before an interruption is that day, not a paused one.
    assert clock.date_at(10 / DAYS_PER_MONTH) == start + timedelta(days=9)
    assert clock.date_at(11 / DAYS_PER_MONTH) == start + timedelta(days=20)
