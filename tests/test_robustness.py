"""The small-numbers rule: grades at their boundaries, standard errors, and when a difference is real."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

from samfunn_data.facts import robustness as r


@pytest.mark.parametrize(("count", "expected"), [
    (0, r.TOO_FEW), (9, r.TOO_FEW), (9.99, r.TOO_FEW), (10, r.INDICATIVE), (19, r.INDICATIVE),
    (20, r.SOLID), (1_000_000, r.SOLID),
])
def test_grade_boundaries_for_counts_shares_ratios_and_medians(count, expected):
    for measure in ("count", "share", "ratio", "median"):
        assert r.grade(count, measure) == expected


def test_missing_count_and_ungraded_measures_get_no_grade():
    assert r.grade(float("nan"), "share") is None
    assert r.grade(5000, "projection") is None
    assert r.grade(5000, "static") is None


def test_net_figures_use_the_absolute_value_and_a_single_year_is_at_best_indicative():
    assert r.grade(-25, "net", pooled_years=1) == r.INDICATIVE
    assert r.grade(-25, "net", pooled_years=3) == r.SOLID
    assert r.grade(-9, "net", pooled_years=3) == r.TOO_FEW
    assert r.grade(12, "net", pooled_years=1) == r.INDICATIVE


def test_grade_works_on_arrays_with_per_row_pooling():
    grades = r.grade(np.array([5, 15, 25, 25, np.nan]), "net", np.array([1, 1, 1, 5, 1]))
    assert list(grades) == [r.TOO_FEW, r.INDICATIVE, r.INDICATIVE, r.SOLID, None]


def test_unknown_measure_is_refused_with_the_allowed_ones():
    with pytest.raises(ValueError, match="share"):
        r.grade(10, "percentage")


def test_standard_errors_match_hand_computation():
    assert r.share_se(50.0, 100) == pytest.approx(5.0)  # sqrt(.5*.5/100) * 100
    # 50 per 100 from 50 and 100 persons: 50 * sqrt(1/50 + 1/100)
    assert r.ratio_se(50.0, 50, 100) == pytest.approx(50 * math.sqrt(0.03))
    assert r.median_se(100, 0.05) == pytest.approx(1.0)  # 1 / (2 * 0.05 * 10)


@pytest.mark.parametrize(("a", "b", "se_a", "se_b", "expected"), [
    (10.0, 5.0, 2.0, 2.0, r.NO_CLEAR),  # gap 5 < 1.96 * 2.83 = 5.54
    (12.0, 5.0, 2.0, 2.0, r.HIGHER),  # gap 7 > 5.54
    (5.0, 12.0, 2.0, 2.0, r.LOWER),
    (10.0, 6.0, 2.0, float("nan"), r.HIGHER),  # one side without noise: 4 > 3.92
    (10.0, 6.1, 2.0, float("nan"), r.NO_CLEAR),  # 3.9 < 3.92
    (10.0, 5.0, float("nan"), float("nan"), r.UNAVAILABLE),  # no noise estimate at all
    (float("nan"), 5.0, 1.0, 1.0, r.UNAVAILABLE),  # a value is missing
])
def test_differs_calls_a_difference_only_beyond_noise(a, b, se_a, se_b, expected):
    assert r.differs(a, b, se_a, se_b) == expected


def test_differs_on_arrays_and_a_realistic_small_share():
    # 80+ share 9.7 % of 753 people against a county share of 4.6 % of 478,470: clearly higher;
    # 6.0 % of 753 against 4.6 % is not (1.4 points, standard error 0.87).
    se_small = r.share_se(np.array([9.7, 6.0]), 753)
    se_county = r.share_se(4.6, 478_470)
    verdicts = r.differs(np.array([9.7, 6.0]), 4.6, se_small, se_county)
    assert list(verdicts) == [r.HIGHER, r.NO_CLEAR]


def test_rule_text_for_the_readme_states_the_thresholds():
    text = r.rule_markdown()
    assert "20 or more" in text and "10 to 19" in text and "below 10" in text
    assert "1.96" in text and "indicative" in text


def test_readme_robustness_section_matches_the_module_docstring():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- robustness:start -->\n(.*?)<!-- robustness:end -->", readme, re.S)
    assert block is not None, "README.md lost its <!-- robustness:start/end --> markers"
    assert block.group(1).strip() == r.rule_markdown().strip(), (
        "README's robustness rule is out of date: regenerate it with "
        "`python scripts/gen_indicator_docs.py --rule`")


def test_swing_noise_is_the_spread_of_one_year_changes_over_root_two():
    """Computed by hand: changes 2, −1, 3, −1 have mean 0.75 and variance 12.75 / 3 = 4.25."""
    nan = float("nan")
    values = [[0, 2, 1, 4, 3],  # four one-year changes
              [0, 2, 1, 4, nan],  # three: too few
              [0, 2, nan, 1, 3]]  # a gap: only 2 (0→2) and 2 (1→3) are one-year changes
    noise = r.swing_noise(values)
    assert noise[0] == pytest.approx((4.25 ** 0.5) / 2 ** 0.5)
    assert np.isnan(noise[1]) and np.isnan(noise[2])
    trend = r.swing_noise([[1, 2, 3, 4, 5, 6]])  # a steady trend has no swing at all
    assert trend[0] == 0.0
