"""Explainable classifier of job postings: CPO, PO, PM or OTHER, with the evidence."""

__version__ = "0.1.0"

__all__ = ["Classifier", "Result", "__version__"]


def __getattr__(name):  # heavy imports (spaCy) only when the API is used, so `--help` stays instant
    if name == "Classifier":
        from .pipeline import Classifier

        return Classifier
    if name == "Result":
        from .explain import Result

        return Result
    raise AttributeError(name)
