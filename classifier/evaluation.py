"""Evaluation: per-class precision, recall and F1, macro-F1, confusion matrix and calibration, for
rules only, model only and their combination, on the text as written and with role names masked."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, log_loss, precision_recall_fscore_support

from .analysis import Analysis, PostingAnalyzer
from .combine import Mixing, combined_scores, rule_features
from .scorer import LinearTermScorer, softmax

MODES = ("rules", "model", "combined")
ECE_BINS = 10
BOOTSTRAP_ROUNDS = 1000  # resamples of the postings for the interval of macro-F1
BOOTSTRAP_CELLS = 2_000_000  # postings times resamples compared at once (memory bound)


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
    combined = combined_scores(logits - scorer.intercept, features, mixing)
    return Scored(softmax(rules_only), softmax(logits), softmax(combined))


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


def macro_f1_interval(y: np.ndarray, predicted: np.ndarray, labels: Sequence[int], rounds: int = BOOTSTRAP_ROUNDS,
                      seed: int = 0) -> tuple[float, float]:
    """The 95 % percentile bootstrap interval of macro-F1 over `labels` (class indices; 0 for one a
    resample neither holds nor predicts): how far one row more or less of a rare class moves the
    figure. Seeded, so a report is reproducible."""
    n = len(y)
    if not n:
        return 0.0, 0.0
    rng = np.random.default_rng(seed)
    step = max(1, BOOTSTRAP_CELLS // n)
    found = []
    for start in range(0, rounds, step):
        rows = rng.integers(0, n, size=(min(step, rounds - start), n))
        truth, guess = y[rows], predicted[rows]
        f1 = []
        for c in labels:
            true_c, guessed_c = truth == c, guess == c
            both = 2 * (true_c & guessed_c).sum(axis=1)
            either = true_c.sum(axis=1) + guessed_c.sum(axis=1)  # 2 tp + fp + fn
            f1.append(np.divide(both, either, out=np.zeros(len(rows)), where=either > 0))
        found.append(np.mean(f1, axis=0))
    low, high = np.percentile(np.concatenate(found), [2.5, 97.5])
    return float(low), float(high)


def metrics(y_true: list[str], probabilities: np.ndarray, classes: list[str]) -> dict:
    """Accuracy, macro-F1 and its bootstrap interval, per-class precision/recall/F1 and the
    confusion matrix (scikit-learn's), expected calibration error (ours), Brier score and log loss
    of the probabilities."""
    index = {c: i for i, c in enumerate(classes)}
    y = np.array([index[label] for label in y_true])
    predicted = probabilities.argmax(axis=1)
    labels = list(range(len(classes)))
    # macro-F1 over the classes the set holds or the model predicts, as scikit-learn's default: a set
    # without CPO postings, where none is predicted, is not marked down for it
    present = sorted(set(y.tolist()) | set(predicted.tolist()))
    precision, recall, f1, support = precision_recall_fscore_support(y, predicted, labels=labels, zero_division=0)
    per_class = {label: {"precision": float(precision[i]), "recall": float(recall[i]), "f1": float(f1[i]),
                         "support": int(support[i])} for i, label in enumerate(classes)}
    return {
        "n": int(len(y)),
        "accuracy": float(accuracy_score(y, predicted)),
        "macro_f1": float(f1_score(y, predicted, labels=present, average="macro", zero_division=0)),
        "macro_f1_interval": macro_f1_interval(y, predicted, present),
        "macro_f1_over": [classes[i] for i in present],
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


def analyse_both(analyzer: PostingAnalyzer, examples, text_only: bool = False) -> dict[str, list[Analysis]]:
    """Each example (with `text` and `title`) analysed as written and with its role names masked;
    with `text_only`, also without its title ("text_only", "text_only_masked") when any has one."""
    found = {"as_written": [analyzer(e.text, e.title) for e in examples],
             "masked": [analyzer.masked(e.text, e.title) for e in examples]}
    if text_only and any(e.title for e in examples):
        found["text_only"] = [analyzer(e.text) for e in examples]
        found["text_only_masked"] = [analyzer.masked(e.text) for e in examples]
    return found


LENGTH_BUCKETS = ((0, 1_000, "< 1k chars"), (1_000, 3_000, "1k–3k"), (3_000, 8_000, "3k–8k"), (8_000, None, "≥ 8k"))


def length_bucket(text: str) -> str:
    return next(name for low, high, name in LENGTH_BUCKETS if len(text) >= low and (high is None or len(text) < high))


def score_conditions(analyses: dict[str, list[Analysis]], scorer: LinearTermScorer, mixing: Mixing,
                     rules_mixing: Mixing) -> dict[str, Scored]:
    """Each condition's postings ("as_written", "masked"…) scored once, for `evaluate` and `breakdown`."""
    return {condition: score_analyses(items, scorer, mixing, rules_mixing) for condition, items in analyses.items()}


def breakdown(scored: dict[str, Scored], labels: list[str], groups: dict[str, list[str]], classes: list[str]) -> dict:
    """The combined figures per group of postings: for each way of grouping (`groups`: name -> each
    posting's group) and each condition, per group its size, accuracy, macro-F1 over the labels
    present, and recall of each label present."""
    report: dict = {}
    for condition, found in scored.items():
        predicted = [classes[i] for i in found.combined.argmax(axis=1)]
        for name, keys in groups.items():
            for key in sorted(set(keys), key=_group_order):
                rows = [i for i, k in enumerate(keys) if k == key]
                truth, guess = [labels[i] for i in rows], [predicted[i] for i in rows]
                present = sorted(set(truth))
                report.setdefault(name, {}).setdefault(key, {})[condition] = {
                    "n": len(rows),
                    "accuracy": float(np.mean([t == g for t, g in zip(truth, guess)])),
                    "macro_f1": float(f1_score(truth, guess, labels=present, average="macro", zero_division=0)),
                    "recall": {label: float(np.mean([g == label for t, g in zip(truth, guess) if t == label]))
                               for label in present},
                }
    return report


def _group_order(key: str):
    """Length buckets from short to long, other groups by name."""
    names = [name for _, _, name in LENGTH_BUCKETS]
    return (names.index(key), "") if key in names else (len(names), key)


def format_breakdown(report: dict) -> str:
    lines = []
    for name, groups in report.items():
        conditions = list(next(iter(groups.values())))
        lines.append(f"== combined, by {name}: macro-F1 over the labels present (n) per condition")
        lines.append(f"{'':28}" + "".join(f"{c:>18}" for c in conditions) + "   recall per label (first condition)")
        for key, by_condition in groups.items():
            first = by_condition[conditions[0]]
            recall = ", ".join(f"{label} {value:.2f}" for label, value in first["recall"].items())
            lines.append(f"{key[:27]:28}" + "".join(f"{m['macro_f1']:>10.3f} ({m['n']:>4})" for m in by_condition.values())
                         + f"   {recall}")
        lines.append("")
    return "\n".join(lines)


def evaluate(scored: dict[str, Scored], labels: list[str], classes: list[str]) -> dict:
    """Metrics per condition ("as_written", "masked") and per mode ("rules", "model", "combined")."""
    return {condition: {mode: metrics(labels, getattr(found, mode), classes) for mode in MODES}
            for condition, found in scored.items()}


def format_report(report: dict, classes: list[str]) -> str:
    lines = []
    for condition, modes in report.items():
        lines.append(f"== {condition.replace('_', ' ')} (n={modes['combined']['n']})")
        lines.append(f"{'':10}{'rules':>10}{'model':>10}{'combined':>10}")
        lines.append(f"{'macro_f1':10}" + "".join(f"{modes[m]['macro_f1']:>10.3f}" for m in MODES))
        lines.append(f"{'  95 %':10}" + "".join(f"{'%.2f–%.2f' % modes[m]['macro_f1_interval']:>10}" for m in MODES))
        absent = {m: [c for c in classes if c not in modes[m]["macro_f1_over"]] for m in MODES}
        if any(absent.values()):
            lines.append("  macro_f1 leaves out the classes neither labelled nor predicted: "
                         + "; ".join(f"{m} {', '.join(absent[m]) or '—'}" for m in MODES))
        for name in ("accuracy", "ece", "brier", "log_loss"):
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
