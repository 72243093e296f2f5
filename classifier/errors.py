"""Errors the user can act on, each with the exit code the command line returns for it
(0 success and 2 usage errors come from click)."""

EXIT_ROW_ERRORS = 1
EXIT_INPUT = 3
EXIT_RULES = 4
EXIT_MODEL = 5
EXIT_OUTPUT = 6
EXIT_INTERRUPTED = 130


class ClassifierError(Exception):
    """Base class: a one-line message for the user and an exit code."""

    exit_code = 1


class InputError(ClassifierError):
    """An input file or text that cannot be read: missing, empty, binary, not decodable."""

    exit_code = EXIT_INPUT


class RulesError(ClassifierError):
    """A rule file that cannot be loaded; the message names the file and the rule."""

    exit_code = EXIT_RULES


class ModelError(ClassifierError):
    """A model directory that cannot be loaded: missing, corrupt, tampered."""

    exit_code = EXIT_MODEL


class OutputError(ClassifierError):
    """An output that cannot be written: a read-only directory, a full disk; the message names the
    user's output, not a temporary file."""

    exit_code = EXIT_OUTPUT


def one_line(error: BaseException, limit: int = 300) -> str:
    """A library's error message on one line, cut at `limit` characters, to quote in ours."""
    message = " ".join(str(error).split())
    return message if len(message) <= limit else message[:limit - 1] + "…"
