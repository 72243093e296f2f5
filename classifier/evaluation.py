"""Evaluation: per-class precision, recall and F1, macro-F1, confusion matrix and calibration, for
rules only, model only and their combination, on the text as written and with role names masked."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, log_loss, precision_recall_fscore_support

from .analysis import Analysis, PostingAnalyzer
from .combine import Mixing, combined_scores, rule_features
from .scorer import LinearTermScorer, softmax

MODES = ("rules", "model", "combined")
ECE_BINS = 10


@dataclass
class Scored:
    """The three modes' probabilities for a list of analysed postings."""

    rules: np.ndarray
    model: np.ndarray
    combined: np.ndarray


def score_analyses(analyses: list[Analysis], scorer: LinearTermScorer, mixing: Mixing, rules_mixing: Mixing) -> Scored:
    """Probabilities of the rules alone (with their own fitted factors), the model alone, and both."""
    classes = scorer.classes
    logits = scorer.logits_of([a.tokens for a in analyses])
    features = np.stack([rule_features(a.hits, classes) for a in analyses])
    rules_only = combined_scores(np.zeros_like(logits), features, rules_mixing)
    if "OTHER" in classes:  # no rule fired: rules alone say OTHER
        rules_only[:, classes.index("OTHER")] += 1e-6
    return Scored(softmax(rules_only), softmax(logits), softmax(combined_scores(logits, features, mixing)))


def expected_calibration_error(y: np.ndarray, probabilities: np.ndarray, bins: int = ECE_BINS) -> float:
    """Top-label ECE: |accuracy - confidence| averaged over equal-width confidence bins, weighted by size."""
    confidence = probabilities.max(axis=1)
    correct = (probabilities.argmax(axis=1) == y).astype(float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    total = 0.0
    for low, high in zip(edges[:-1], edges[1:]):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(total)


def metrics(y_true: list[str], probabilities: np.ndarray, classes: list[str]) -> dict:
    """Accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix (scikit-learn's),
    expected calibration error (ours), Brier score and log loss of the probabilities."""
    index = {c: i for i, c in enumerate(classes)}
    y = np.array([index[label] for label in y_true])
    predicted = probabilities.argmax(axis=1)
    labels = list(range(len(classes)))
    precision, recall, f1, support = precision_recall_fscore_support(y, predicted, labels=labels, zero_division=0)
    per_class = {label: {"precision": float(precision[i]), "recall": float(recall[i]), "f1": float(f1[i]),
                         "support": int(support[i])} for i, label in enumerate(classes)}
    return {
        "n": int(len(y)),
        "accuracy": float(accuracy_score(y, predicted)),
        "macro_f1": float(f1_score(y, predicted, labels=labels, average="macro", zero_division=0)),
        "per_class": per_class,
        "confusion": confusion_matrix(y, predicted, labels=labels).tolist(),
        "ece": expected_calibration_error(y, probabilities),
        "brier": brier_score(y, probabilities),
        "log_loss": float(log_loss(y, probabilities, labels=labels)),
    }


def brier_score(y: np.ndarray, probabilities: np.ndarray) -> float:
    """Multi-class Brier score: the squared distance to the one-hot truth, summed over classes,
    averaged over postings (0 is perfect, 2 the worst)."""
    onehot = np.eye(probabilities.shape[1])[y]
    return float(((probabilities - onehot) ** 2).sum(axis=1).mean())


def analyse_both(analyzer: PostingAnalyzer, examples) -> dict[str, list[Analysis]]:
    """Each example (with `text` and `title`) analysed as written and with its role names masked."""
    return {"as_written": [analyzer(e.text, e.title) for e in examples],
            "masked": [analyzer.masked(e.text, e.title) for e in examples]}


def evaluate(analyses: dict[str, list[Analysis]], labels: list[str], scorer: LinearTermScorer, mixing: Mixing,
             rules_mixing: Mixing) -> dict:
    """Metrics per condition ("as_written", "masked") and per mode ("rules", "model", "combined")."""
    report = {}
    for condition, items in analyses.items():
        scored = score_analyses(items, scorer, mixing, rules_mixing)
        report[condition] = {mode: metrics(labels, getattr(scored, mode), scorer.classes) for mode in MODES}
    return report


def format_report(report: dict, classes: list[str]) -> str:
    lines = []
    for condition, modes in report.items():
        lines.append(f"== {condition.replace('_', ' ')} (n={modes['combined']['n']})")
        lines.append(f"{'':10}{'rules':>10}{'model':>10}{'combined':>10}")
        for name in ("macro_f1", "accuracy", "ece", "brier"):
            lines.append(f"{name:10}" + "".join(f"{modes[m][name]:>10.3f}" for m in MODES))
        combined = modes["combined"]
        lines.append("combined, per class:")
        lines.append(f"{'':10}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}")
        for label in classes:
            m = combined["per_class"][label]
            lines.append(f"{label:10}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>10.3f}{m['support']:>10}")
        lines.append("combined, confusion (rows = true, columns = predicted):")
        lines.append(f"{'':10}" + "".join(f"{c:>8}" for c in classes))
        for label, row in zip(classes, combined["confusion"]):
            lines.append(f"{label:10}" + "".join(f"{v:>8}" for v in row))
        lines.append("")
    return "\n".join(lines)
