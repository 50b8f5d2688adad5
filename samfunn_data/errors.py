"""One small exception tree. Messages say what was asked, what came back and what to do."""

from __future__ import annotations


class SamfunnError(Exception):
    """Root of every error this package raises on purpose."""


class ConfigError(SamfunnError):
    """A setting or environment variable has a value the package cannot use."""


class SsbApiError(SamfunnError):
    """SSB (or the server standing in for it) answered with an error."""

    def __init__(self, url: str, status: int | None, title: str = "", detail: str = ""):
        self.url, self.status, self.title, self.detail = url, status, title, detail
        parts = [f"SSB API error {status}" if status is not None else "SSB API error"]
        if title:
            parts.append(title)
        if detail:
            parts.append(detail)
        super().__init__(": ".join(parts) + f" (URL: {url})")


class ParseError(SamfunnError):
    """A JSON-stat document (or another input file) is malformed or truncated."""


class QueryError(SamfunnError, ValueError):
    """An SSB query is malformed or asks for a variable/value the table does not have."""


class OfflineError(SamfunnError):
    """SSB cannot be reached and nothing is stored that could answer the query."""


class SnapshotError(SamfunnError):
    """The embedded snapshot is missing, inconsistent or fails a provenance check."""


class UnknownMunicipalityError(SamfunnError, LookupError):
    """No municipality has this code or name; `suggestions` holds the closest matches."""

    def __init__(self, message: str, suggestions: list | None = None):
        self.suggestions = list(suggestions or [])
        super().__init__(message)


class MunicipalityChangedError(UnknownMunicipalityError):
    """The code existed once but was replaced (merger or split); `successors` holds the new codes."""

    def __init__(self, message: str, successors: list | None = None, year: int | None = None):
        self.successors = list(successors or [])
        self.year = year
        super().__init__(message, suggestions=self.successors)


class AmbiguousMunicipalityError(UnknownMunicipalityError):
    """A name fits several municipalities (Herøy 1515/1818); `suggestions` holds every candidate."""


class DataUnavailableError(SamfunnError, LookupError):
    """The data hold no figure for what was asked (e.g. a year outside the snapshot's coverage)."""


class FactbaseError(SamfunnError):
    """The fact base cannot be built or does not hold what was asked for."""


class ReportError(SamfunnError):
    """A report cannot be rendered with the parameters given."""


class InputFileError(SamfunnError):
    """A user-supplied file (applications, parameters) cannot be read."""


class LockTimeoutError(SamfunnError):
    """Another process held a lock (a build, a report run) for longer than the timeout allows."""


# Exit codes of every `samfunn` command (README: "Exit codes"). Scripts rely on them: keep them stable.
EXIT_OK = 0  # done: everything asked for was done
EXIT_ERROR = 1  # an error: nothing or not all was done; the message says what to do
EXIT_USAGE = 2  # the command line itself is wrong (argparse)
EXIT_INVALID_ROWS = 3  # some input rows were invalid; the valid ones were processed (`samfunn screen`)
EXIT_STALE = 4  # SSB was not reached; a stored copy or the embedded snapshot was used instead
