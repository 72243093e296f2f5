"""Evaluation metrics: scikit-learn's numbers, and our calibration error."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as sk

from classifier.evaluation import expected_calibration_error, format_report, macro_f1_interval, metrics

CLASSES = ["CPO", "PO", "PM", "OTHER"]


def _sample(seed: int, n: int = 300):
    rng = np.random.default_rng(seed)
    probabilities = rng.dirichlet(np.full(4, 0.4), size=n)
    truth = np.where(rng.random(n) < 0.7, probabilities.argmax(axis=1), rng.integers(0, 4, n))
    probabilities[0] = [1.0, 0.0, 0.0, 0.0]  # certain and wrong: log loss clipped as scikit-learn clips
    truth[0] = 1
    return [CLASSES[i] for i in truth], truth, probabilities


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_metrics_are_scikit_learns(seed):
    labels, truth, probabilities = _sample(seed)
    found = metrics(labels, probabilities, CLASSES)
    predicted = probabilities.argmax(axis=1)
    precision, recall, f1, support = sk.precision_recall_fscore_support(truth, predicted, labels=range(4), zero_division=0)
    for i, label in enumerate(CLASSES):
        assert found["per_class"][label] == pytest.approx(
            {"precision": precision[i], "recall": recall[i], "f1": f1[i], "support": support[i]})
    assert found["macro_f1"] == pytest.approx(sk.f1_score(truth, predicted, average="macro"))
    assert found["accuracy"] == pytest.approx(sk.accuracy_score(truth, predicted))
    assert found["confusion"] == sk.confusion_matrix(truth, predicted, labels=range(4)).tolist()
    assert found["log_loss"] == pytest.approx(sk.log_loss(truth, probabilities, labels=range(4)))
    onehot = np.eye(4)[truth]
    assert found["brier"] == pytest.approx(((probabilities - onehot) ** 2).sum(axis=1).mean())
    assert set(found) == {"n", "accuracy", "macro_f1", "macro_f1_interval", "macro_f1_over", "per_class", "confusion",
                          "ece", "brier", "log_loss"}


def test_a_class_never_predicted_scores_zero_not_nan():
    found = metrics(["PO", "PM"], np.array([[0.1, 0.7, 0.1, 0.1], [0.1, 0.7, 0.1, 0.1]]), CLASSES)
    assert found["per_class"]["PM"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert found["per_class"]["CPO"]["support"] == 0


def test_macro_f1_leaves_out_a_class_neither_labelled_nor_predicted():
    """A recruiter's own test set without heads of product is not marked down for them (0.75 at best
    before); a class predicted but never labelled still counts, at 0."""
    rows = np.array([[0.1, 0.8, 0.05, 0.05], [0.1, 0.05, 0.8, 0.05], [0.1, 0.05, 0.05, 0.8]])
    classes = ["CPO", "PO", "PM", "OTHER"]
    right = metrics(["PO", "PM", "OTHER"], rows, classes)
    assert right["macro_f1"] == 1.0 and right["macro_f1_over"] == ["PO", "PM", "OTHER"]
    wrong = metrics(["PO", "PM", "OTHER"], np.vstack([rows[:2], [[0.8, 0.1, 0.05, 0.05]]]), classes)
    assert wrong["macro_f1_over"] == classes
    assert wrong["macro_f1"] == pytest.approx(sk.f1_score([1, 2, 3], [1, 2, 0], average="macro", zero_division=0))
    assert "neither labelled nor predicted: rules CPO" in format_report(
        {"as_written": {mode: right for mode in ("rules", "model", "combined")}}, classes)


def test_expected_calibration_error_by_hand():
    # two bins: confidence 0.9 with 1 of 2 right (gap 0.4), confidence 0.6 with 2 of 2 right (gap 0.4)
    probabilities = np.array([[0.9, 0.1], [0.9, 0.1], [0.6, 0.4], [0.6, 0.4]])
    assert expected_calibration_error(np.array([0, 1, 0, 0]), probabilities) == pytest.approx(0.4)


def test_the_interval_of_macro_f1_holds_the_figure_and_narrows_with_more_rows():
    labels, truth, probabilities = _sample(3, n=300)
    found = metrics(labels, probabilities, CLASSES)
    low, high = found["macro_f1_interval"]
    assert low < found["macro_f1"] < high
    assert metrics(labels, probabilities, CLASSES)["macro_f1_interval"] == (low, high)  # seeded
    few = metrics(labels[:40], probabilities[:40], CLASSES)["macro_f1_interval"]
    assert few[1] - few[0] > high - low


def test_the_interval_is_a_point_when_every_answer_is_right_and_matches_a_resample_by_hand():
    truth = np.array([0, 1, 2, 3] * 5)
    assert macro_f1_interval(truth, truth, range(4)) == (1.0, 1.0)
    predicted = truth.copy()
    predicted[:3] = 3
    rng = np.random.default_rng(0)
    rows = rng.integers(0, len(truth), size=(1, len(truth)))[0]
    by_hand = sk.f1_score(truth[rows], predicted[rows], labels=range(4), average="macro", zero_division=0)
    assert macro_f1_interval(truth, predicted, range(4), rounds=1) == (pytest.approx(by_hand), pytest.approx(by_hand))
