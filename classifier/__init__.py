"""Explainable classifier of job postings: CPO, PO, PM or OTHER, with the evidence."""

__version__ = "0.1.0"

__all__ = ["Classifier", "Result", "read_posting", "__version__"]


def __getattr__(name):  # heavy imports (spaCy) only when the API is used, so `--help` stays instant
    if name == "Classifier":
        from .pipeline import Classifier

        return Classifier
    if name == "Result":
        from .explain import Result

        return Result
    if name == "read_posting":
        from .documents import read_posting

        return read_posting
    raise AttributeError(name)
