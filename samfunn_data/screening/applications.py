"""Read and validate applications to the network (the invitation's template as a CSV or Excel file).

Every row is checked on its own and every problem is reported with the row number the coordinator sees
in a spreadsheet (the header is row 1), so one bad row never hides the others. Messages are in bokmål:
the people who read them are Norwegian coordinators.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from samfunn_data.errors import (
    InputFileError,
    MunicipalityChangedError,
    NotOneMunicipalityError,
    UnknownMunicipalityError,
)
from samfunn_data.facts import municipalities

# The invitation's template, one column per question ("Kommuneplanens samfunnsdel er fra år xx", ...).
COLUMNS = (
    "kommune",
    "samfunnsdel_vedtatt",
    "framdriftsplan",
    "har_statistikk",
    "personellressurs",
    "kontaktperson",
)
CSV_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")  # latin-1 decodes any byte, so it comes last
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
CSV_SUFFIXES = {".csv", ".txt"}
EARLIEST_PLAN_YEAR = 1970  # older than any municipal master plan still in force; catches typos like 1016
SHAPE_ERROR = "_radfeil"  # column holding a row-level problem found while reading (wrong number of fields)
MAX_FTE = 20.0  # a plain number above this is almost surely a percentage written without "%"
SHOWN_CHARS = 60  # user text quoted in a message is cut here: a runaway cell must not flood the screen
NOT_TEXT = "filen ser ikke ut som en tekstfil (CSV) eller Excel-fil"
# Characters that must not reach a terminal or a page: C0/C1 controls (incl. NUL) and the bidirectional
# overrides that can make text display in another order than it is stored.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

_YES = {"ja", "j", "yes", "y", "true", "sann", "1", "x"}
_NO = {"nei", "n", "no", "false", "usann", "0"}
_NO_PLAN = {"ingen", "ikke vedtatt", "ikke", "mangler", "nei", "har ikke"}
_PERSONNEL = re.compile(
    r"^(?P<num>\d+(?:[.,]\d+)?|[.,]\d+)\s*(?P<pct>%|prosent)?\s*"
    r"(?:årsverk|arsverk|stilling|stillinger|fte)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Application:
    """One valid application row."""

    row: int
    kommune: municipalities.Municipality
    samfunnsdel_vedtatt: int | None  # None: the applicant says it has no adopted samfunnsdel
    framdriftsplan: str
    har_statistikk: bool
    personellressurs: float  # full-time equivalents (årsverk)
    personellressurs_tekst: str  # as written, shown beside the parsed value
    kontaktperson: str


@dataclass(frozen=True)
class RowError:
    """One problem in one row: which row, which field, what was written and what to do."""

    row: int
    kommune: str
    field: str
    message: str


@dataclass(frozen=True)
class ReadResult:
    applications: list[Application]
    errors: list[RowError]
    n_rows: int

    @property
    def invalid_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})


def _clean(text: object) -> str:
    """Cell text with Excel's non-breaking spaces made ordinary, control characters replaced by U+FFFD
    and the ends trimmed."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    text = re.sub(r"[\u00a0\u202f\s]+", " ", str(text))
    return _UNPRINTABLE.sub("\ufffd", text).strip()


def _shown(text: str) -> str:
    """User text as quoted in a message: printable (see `_clean`) and at most SHOWN_CHARS characters."""
    text = _clean(text)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def _column_key(name: object) -> str:
    """Header as a key: lower case, no accents, spaces/hyphens as underscores ("Har statistikk")."""
    text = unicodedata.normalize("NFKD", _clean(name).lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\s\-]+", "_", text)


# ---------------------------------------------------------------- reading the file


def _decode(raw: bytes, path: Path) -> str:
    """The file's text: UTF-16 (as Excel's "Unicode text" writes it), UTF-8, Windows-1252 or Latin-1.

    Raises InputFileError for a file that is not text: an Excel workbook saved with the wrong name, or
    binary data (NUL bytes or many control characters), which Latin-1 would otherwise "decode".
    """
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputFileError(
            f"{path} ser ut som en Excel-fil, ikke CSV. Lagre den som .xlsx (Excel-arbeidsbok) og oppgi "
            "den filen, eller lagre som CSV fra Excel."
        )
    utf16 = _utf16(raw)
    if utf16 is not None:
        return utf16
    if b"\x00" not in raw:
        for encoding in CSV_ENCODINGS:
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                continue
            sample = text[:65536]
            if len(_UNPRINTABLE.findall(sample)) <= len(sample) // 100:
                return text
            break
    raise InputFileError(
        f"Kunne ikke lese {path}: {NOT_TEXT}. Lagre søknadene som CSV (komma eller semikolon) eller .xlsx."
    )


def _utf16(raw: bytes) -> str | None:
    """The text of a UTF-16 file (with a byte-order mark, or ASCII-heavy without one); None otherwise."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        head = raw[:4096]
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if len(head) < 4 or max(even, odd) < len(head) // 4 or min(even, odd) > len(head) // 100:
            return None
        encoding = "utf-16-le" if odd > even else "utf-16-be"
    try:
        return raw.decode(encoding).lstrip("\ufeff")
    except UnicodeDecodeError:
        return None


def _read_csv(path: Path) -> tuple[pd.DataFrame, int]:
    """CSV as strings; returns the frame and the spreadsheet row number of the header."""
    text = _decode(path.read_bytes(), path)
    lines = text.splitlines()
    # Leading "#" lines are comments (the example file explains itself that way).
    skipped = 0
    while skipped < len(lines) and (not lines[skipped].strip() or lines[skipped].lstrip().startswith("#")):
        skipped += 1
    if skipped == len(lines):
        raise InputFileError(f"{path} er tom: fant ingen overskriftsrad med kolonnene {', '.join(COLUMNS)}.")
    header = lines[skipped]
    # Decide the delimiter from the header only: data rows hold decimal commas ("0,5") that mislead
    # csv.Sniffer (and so pandas' sep=None) in semicolon files exported by a Norwegian Excel.
    sep = ";" if header.count(";") > header.count(",") else ","
    # csv.reader rather than pandas: pandas fails the whole file on a row with too many fields (an
    # unquoted comma in free text), and cannot say which row; we want that row reported and the rest read.
    reader = csv.reader(io.StringIO("\n".join(lines[skipped:])), delimiter=sep)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise InputFileError(f"{path} er ikke en gyldig CSV-fil (linje {reader.line_num}): {exc}") from exc
    header, rows = records[0], records[1:]
    width = len(header)
    shape_errors = []
    for row in rows:
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            shape_errors.append(
                f"Raden har {len(row)} felt, men overskriften har {width}. Står det et "
                f"{'semikolon' if sep == ';' else 'komma'} i en fritekst? "
                "Sett i så fall teksten i anførselstegn"
            )
        else:
            shape_errors.append("")
    padded = [(row + [""] * width)[:width] for row in rows]
    frame = pd.DataFrame(padded, columns=header, dtype=object)
    frame[SHAPE_ERROR] = shape_errors
    return frame, skipped + 1


def _read_excel(path: Path) -> tuple[pd.DataFrame, int]:
    try:
        frame = pd.read_excel(path, sheet_name=0, dtype=str, keep_default_na=False)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/ValueError for broken files
        raise InputFileError(f"{path} kunne ikke leses som Excel-fil (.xlsx): {exc}") from exc
    return frame, 1


def read_table(path: str | Path) -> tuple[pd.DataFrame, int]:
    """Read an applications file into a frame of strings with normalised column names.

    Returns the frame (blank rows kept, so row numbers stay those of the spreadsheet) and the
    spreadsheet row number of the header. Raises InputFileError for a missing, empty or malformed file
    or missing columns.
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"Fant ikke søknadsfilen {path}. Sjekk filnavnet og mappen.")
    if path.is_dir():
        raise InputFileError(f"{path} er en mappe, ikke en søknadsfil (.csv eller .xlsx).")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        frame, header_row = _read_excel(path)
    elif suffix in CSV_SUFFIXES:
        frame, header_row = _read_csv(path)
    else:
        raise InputFileError(
            f"{path}: ukjent filtype {suffix or '(ingen)'}; bruk .csv (komma eller semikolon) eller .xlsx."
        )
    frame.columns = [_column_key(c) for c in frame.columns]
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        found = ", ".join(_shown(c) for c in frame.columns[:10]) or "(ingen)"
        if len(frame.columns) > 10:
            found += f" og {len(frame.columns) - 10} til"
        raise InputFileError(
            f"{path} mangler kolonne(ne) {', '.join(missing)}. Fant: {found}. "
            f"Første rad må være overskriftene {', '.join(COLUMNS)}."
        )
    return frame, header_row


# ---------------------------------------------------------------- parsing single fields


def parse_personnel(text: str) -> float:
    """Planning staff as full-time equivalents from "0.5", "0,5", "50 %", "0,5 årsverk" or "50 % stilling".

    Raises ValueError with a bokmål message when the text is not one such amount.
    """
    cleaned = _clean(text)
    match = _PERSONNEL.match(cleaned)
    if not match:
        raise ValueError(
            f"«{_shown(cleaned)}» er ikke en personellressurs som kan leses; skriv årsverk som 0,5 eller "
            "0.5, eller prosent av en stilling som 50 %"
        )
    value = float(match["num"].replace(",", "."))
    if match["pct"]:
        return value / 100
    if value > MAX_FTE:
        raise ValueError(
            f"«{cleaned}» årsverk er urimelig mye; mente du {cleaned} % (skriv i så fall prosenttegnet)?"
        )
    return value


def parse_yes_no(text: str) -> bool:
    """True for ja/yes, False for nei/no; ValueError otherwise."""
    key = _clean(text).lower()
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValueError(f"«{_shown(text)}» er verken ja eller nei; skriv «ja» eller «nei»")


def parse_plan_year(text: str, application_year: int) -> int | None:
    """The year the samfunnsdel was adopted; None when the applicant says there is none ("ingen")."""
    cleaned = _clean(text)
    if cleaned.lower() in _NO_PLAN:
        return None
    match = re.fullmatch(r"(\d{4})(?:\.0+)?", cleaned)  # Excel may hand a year over as "2016.0"
    if not match:
        raise ValueError(
            f"«{_shown(cleaned)}» er ikke et årstall; skriv året samfunnsdelen ble vedtatt (f.eks. 2016), "
            "eller «ingen» om kommunen ikke har en vedtatt samfunnsdel"
        )
    year = int(match[1])
    if year > application_year:
        raise ValueError(
            f"{year} ligger etter søknadsåret {application_year}; en samfunnsdel kan ikke være vedtatt i "
            "framtiden. Skriv året den gjeldende samfunnsdelen ble vedtatt"
        )
    if year < EARLIEST_PLAN_YEAR:
        raise ValueError(f"{year} er før {EARLIEST_PLAN_YEAR}; sjekk årstallet")
    return year


def municipality_message(text: str, exc: UnknownMunicipalityError) -> str:
    """A bokmål message for a municipality that could not be found, with successors or suggestions."""
    text = _shown(text)
    if isinstance(exc, MunicipalityChangedError):
        names = ", ".join(_describe(s) for s in exc.successors) or "(ukjent etterfølger)"
        when = f" fra {exc.year}" if exc.year else ""
        return (
            f"Kommunenummeret «{text}» finnes ikke lenger; kommunen ble{when} erstattet av {names}. "
            "Skriv dagens kommunenummer eller navn"
        )
    if isinstance(exc, NotOneMunicipalityError):
        if len(exc.candidates) > 1:
            named = ", ".join(_describe(m) for m in exc.candidates)
            return (f"«{text}» peker på flere kommuner ({named}). Skriv ett kommunenummer eller ett navn; "
                    "hver kommune som søker, skal ha sin egen rad")
        first = exc.candidates[0]
        return (f"«{text}»: {first.code} er {first.name}, men «{_shown(exc.extra or '')}» er ikke navnet på "
                f"den kommunen. Skriv bare kommunenummeret ({first.code}) eller bare navnet")
    if type(exc).__name__ == "AmbiguousMunicipalityError":
        options = ", ".join(_describe(s, county=True) for s in exc.suggestions)
        return f"«{text}» passer for flere kommuner: {options}. Skriv kommunenummeret"
    hint = ", ".join(_describe(s) for s in exc.suggestions[:5])
    tail = f" Mente du: {hint}?" if hint else " Skriv kommunenummer (4 sifre) eller kommunenavn."
    return f"Fant ingen kommune «{text}».{tail}"


def _describe(item: object, county: bool = False) -> str:
    """'1806 Narvik' (or '1818 Herøy (Nordland)') for a Municipality, a code or a name."""
    if not getattr(item, "code", None):
        try:
            item = municipalities.lookup(str(item))
        except Exception:  # a suggestion that itself does not resolve is still worth showing as written
            return str(item)
    text = f"{item.code} {item.name}"
    return f"{text} ({item.county_name})" if county and getattr(item, "county_name", None) else text


# ---------------------------------------------------------------- validating rows


def _validate_row(row: int, record: dict[str, str], year: int) -> tuple[Application | None, list[RowError]]:
    errors: list[RowError] = []
    raw_kommune = record["kommune"]

    def fail(field: str, message: str) -> None:
        ending = "" if message.endswith(("?", "!", ".")) else "."
        errors.append(RowError(row, _shown(raw_kommune), field, message + ending))

    for field in COLUMNS:
        if not record[field]:
            fail(field, f"Feltet «{field}» mangler; fyll det inn")
    kommune = plan_year = has_stats = fte = None
    if raw_kommune:
        try:
            kommune = municipalities.lookup(raw_kommune)
        except UnknownMunicipalityError as exc:
            fail("kommune", municipality_message(raw_kommune, exc))
    for field, parse in (
        ("samfunnsdel_vedtatt", lambda t: parse_plan_year(t, year)),
        ("har_statistikk", parse_yes_no),
        ("personellressurs", parse_personnel),
    ):
        if not record[field]:
            continue
        try:
            value = parse(record[field])
        except ValueError as exc:
            fail(field, str(exc))
            continue
        if field == "samfunnsdel_vedtatt":
            plan_year = value
        elif field == "har_statistikk":
            has_stats = value
        else:
            fte = value
    if errors:
        return None, errors
    return (
        Application(
            row=row, kommune=kommune, samfunnsdel_vedtatt=plan_year, framdriftsplan=record["framdriftsplan"],
            har_statistikk=has_stats, personellressurs=fte, personellressurs_tekst=record["personellressurs"],
            kontaktperson=record["kontaktperson"],
        ),
        [],
    )


def validate(frame: pd.DataFrame, year: int, header_row: int = 1) -> ReadResult:
    """Validate every row of an applications frame (from `read_table`) for application year `year`.

    Blank rows are skipped silently. A municipality that applies twice is an error on the later row.
    """
    applications: list[Application] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    n_rows = 0
    shape = frame[SHAPE_ERROR] if SHAPE_ERROR in frame else pd.Series("", index=frame.index)
    for offset, (values, shape_error) in enumerate(zip(frame[list(COLUMNS)].itertuples(index=False), shape,
                                                      strict=True)):
        record = {c: _clean(v) for c, v in zip(COLUMNS, values, strict=True)}
        if not any(record.values()):
            continue
        n_rows += 1
        row = header_row + 1 + offset
        if shape_error:
            errors.append(RowError(row, _shown(record["kommune"]), "(hele raden)", shape_error + "."))
            continue
        application, row_errors = _validate_row(row, record, year)
        if application is not None and application.kommune.code in seen:
            first = seen[application.kommune.code]
            row_errors = [RowError(row, _shown(record["kommune"]), "kommune",
                                   f"{application.kommune.name} har allerede en søknad på rad {first}; "
                                   "slå radene sammen eller slett den ene.")]
            application = None
        errors.extend(row_errors)
        if application is not None:
            seen[application.kommune.code] = row
            applications.append(application)
    return ReadResult(applications, errors, n_rows)


def read_applications(path: str | Path, year: int) -> ReadResult:
    """Read and validate an applications file: CSV (UTF-8/UTF-16/cp1252/Latin-1, comma or semicolon) or .xlsx.

    Parameters
    ----------
    path : the applications file; columns `kommune`, `samfunnsdel_vedtatt`, `framdriftsplan`,
        `har_statistikk`, `personellressurs`, `kontaktperson` (headers are case-insensitive).
    year : the application year; eligibility and plan ages are judged against 1 January of it.

    Returns
    -------
    ReadResult with the valid applications and one RowError per problem found.
    """
    frame, header_row = read_table(path)
    return validate(frame, year, header_row)
