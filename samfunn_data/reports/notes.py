"""The planner's own notes: ``data/notes/<kommunenr>.toml``, shown as «Kommunens kommentar» in every format.

What the planner knows that SSB does not (a new fish plant, a school closure) is written per report
section, with an author and a date::

    forfatter = "Kari Nordmann, planrådgiver"
    dato = 2026-11-30

    [kommentarer]
    hovedtrekk = "Tekst om hovedtrekkene ..."
    planstrategi = "Tekst om hva dette betyr for planstrategien ..."

A note is plain text: it is escaped wherever it is shown, always in its own marked box after the section's
SSB figures, never mixed with them. A missing file is fine (no notes); a file that cannot be read gives a
message saying what is wrong, and the report renders without notes. The file's bytes are part of the
report's key (`fingerprint`), so a changed note re-renders the report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from samfunn_data.config import get_settings

LABEL = "Kommunens kommentar"
# Section keys a note may use (the report model's `Section.key`), with the heading a planner sees.
SECTION_KEYS = {
    "hovedtrekk": "Hovedtrekk", "endringer": "Endringer siden rapporten året før",
    "befolkning": "Befolkningsutvikling", "alder": "Alderssammensetning",
    "befolkningsendringer": "Befolkningsendringer", "framskrivinger": "Framskrivinger",
    "levekar": "Levekår og økonomi", "pendling": "Pendling", "sentralitet": "Bosetting og sentralitet",
    "okonomi": "Kommuneøkonomi",
    "planstrategi": "Hva betyr dette for planstrategien?", "kilder": "Datagrunnlag og kilder",
    "mangler": "Tall denne rapporten mangler",
}


@dataclass(frozen=True)
class Note:
    section: str
    text: str
    author: str
    date: str


@dataclass
class Notes:
    """A municipality's notes by section key, and what was wrong with its file (None when nothing)."""

    comments: dict[str, Note] = field(default_factory=dict)
    problem: str | None = None
    path: Path | None = None

    def __contains__(self, key: str) -> bool:
        return key in self.comments

    def __getitem__(self, key: str) -> Note:
        return self.comments[key]


def path_for(kommunenr: str, settings=None) -> Path:
    return (settings or get_settings()).data_dir / "notes" / f"{kommunenr}.toml"


def fingerprint(kommunenr: str, settings=None) -> str:
    """Hash of the notes file ("" when there is none): part of the report's key."""
    path = path_for(kommunenr, settings)
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.is_file() else ""


def load(kommunenr: str, settings=None) -> Notes:
    """The notes of ``kommunenr`` (empty when there is no file; ``problem`` says what is wrong with one)."""
    path = path_for(kommunenr, settings)
    if not path.is_file():
        return Notes()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return Notes(problem=f"{path}: kan ikke leses som TOML ({exc}). Rapporten er laget uten kommentarer; "
                             "rett filen og kjør samfunn reports igjen.", path=path)
    author, date, comments = raw.get("forfatter"), raw.get("dato"), raw.get("kommentarer", {})
    wrong = []
    if not isinstance(author, str) or not author.strip():
        wrong.append("mangler forfatter = \"navn\"")
    if not isinstance(date, dt.date | str) or not str(date).strip():
        wrong.append("mangler dato = 2026-11-30")
    if not isinstance(comments, dict):
        wrong.append("[kommentarer] må være en tabell med én tekst per del av rapporten")
        comments = {}
    unknown = sorted(k for k in comments if k not in SECTION_KEYS)
    if unknown:
        wrong.append(f"ukjent del {', '.join(unknown)} (gyldige: {', '.join(SECTION_KEYS)})")
    not_text = sorted(k for k, v in comments.items() if not isinstance(v, str))
    if not_text:
        wrong.append(f"kommentaren til {', '.join(not_text)} er ikke tekst")
    if wrong:
        return Notes(problem=f"{path}: {'; '.join(wrong)}. Rapporten er laget uten kommentarer.", path=path)
    made = {k: Note(k, v.strip(), author.strip(), str(date)) for k, v in comments.items() if v.strip()}
    return Notes(made, None, path)


def html_block(notes: Notes, section: str) -> str:
    """The note for ``section`` as a marked box (escaped; "" when there is none)."""
    if section not in notes:
        return ""
    note = notes[section]
    paragraphs = "".join(f"<p>{html.escape(p.strip())}</p>" for p in note.text.split("\n\n") if p.strip())
    return (f'<aside class="kommentar" data-notes-section="{html.escape(section)}">'
            f"<p class=\"kommentar-label\"><strong>{LABEL}</strong></p>{paragraphs}"
            f'<p class="note">{html.escape(signature(note))}</p></aside>')


def signature(note: Note) -> str:
    return f"Skrevet av {note.author}, {note.date}. Teksten er kommunens egen, ikke SSBs tall."


def problem_html(notes: Notes) -> str:
    """The message about an unreadable notes file, for the top of the report ("" when none)."""
    if not notes.problem:
        return ""
    return f'<p class="note kommentar-feil">{html.escape(LABEL)}: {html.escape(notes.problem)}</p>'


def show(notes: Notes, section: str) -> None:
    """For the template: display the note of ``section`` as the cell's output (nothing without one)."""
    block = html_block(notes, section)
    if block:
        from IPython.display import HTML, display

        display(HTML(block))
