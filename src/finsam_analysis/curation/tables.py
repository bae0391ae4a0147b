"""Financial tables in a report's text -> proposed financials rows.

A table is found under a heading that names its statement (Översikt över verksamhetens
utveckling, Resultaträkning, Balansräkning, Kassaflödesanalys, Driftredovisning, Not N). Its
year columns come from a header line ("Belopp i kr. Not 2024 2023", "Utgående balans
2024-12-31"), its unit from "Belopp i tkr" / "(KR)" / a "kr" after each figure / öre. Each row
label is looked up in the vocabulary aliases; signs follow the project's convention (costs
negative) and every row keeps the exact printed figure, its line and page, and a confidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from finsam_analysis.curation.aliases import Aliases, fold
from finsam_analysis.curation.equity import drop_equity_repeats
from finsam_analysis.curation.members import member_of
from finsam_analysis.curation.numbers import DASH_CELL, figures, parse_figure
from finsam_analysis.curation.proposal import Proposal
from finsam_analysis.curation.text import NOTE, NUMBERED, Line, is_toc, statement_of, tidy_heading
from finsam_analysis.data.vocabulary import Vocabulary

YEAR = re.compile(r"(?<![\d,])((?:19|20)\d{2})(?:-(\d{2})-(\d{2}))?(?![\d,])")
YEAR_RANGE = re.compile(r"(?:19|20)\d{2}\s*[–-]\s*(?:19|20)\d{2}")
UNIT = re.compile(
    r"belopp\s*(?:i\s*)?(?P<u>tkr|mkr|kr|tusental kronor|tusen kronor|miljoner kronor|kronor)\b"
    r"|\(\s*(?P<p>tkr|mkr|kr)\s*\)",
    re.I,
)
UNIT_WORDS = {
    "tkr": "tkr",
    "tusental kronor": "tkr",
    "tusen kronor": "tkr",
    "mkr": "mkr",
    "miljoner kronor": "mkr",
    "kr": "kr",
    "kronor": "kr",
}
NOTE_REF = re.compile(r"\(?\bnot\s*\d{1,2}\)?", re.I)
UNIT_SUFFIX = re.compile(r"(?<=\d)\s*(tkr|mkr|kr)\b\.?", re.I)
RATIO_CELL = re.compile(
    r"^(?P<a>\d{1,3}(?: \d{3})*|\d+)\s*/\s*(?P<b>\d{1,3}(?: \d{3})*|\d+)\s+(?P<p>\d+(?:,\d+)?)\s*%$"
)
LABEL_NOISE = re.compile(r"^(?:\d{3,5}\s+|res\d\s+)|\s+rad\s+\d+$|[*:]+$", re.I)
BASIS_WORDS = (
    ("avvikelse", re.compile(r"avvikelse|utfall\s*-\s*budget|differens", re.I)),
    ("budget", re.compile(r"budget", re.I)),
    ("prognos", re.compile(r"prognos", re.I)),
)
SHARE = re.compile(r"(?<![\d,])(\d{1,2}(?:,\d+)?)\s*%")
TOTAL_LABELS = {"summa", "total", "totalt", "summatotalt"}
TABLE_STATEMENTS = (
    "budget",
    "overview",
    "income_statement",
    "balance_sheet",
    "cash_flow",
    "operating_statement",
    "note",
)


@dataclass(frozen=True)
class Column:
    year: int | None  # None: a column that carries no figure of ours (Not, Förändring)
    basis: str | None
    label: str


@dataclass
class Block:
    """The state while reading one table: where it is, its columns and unit."""

    statement: str | None
    section: str
    unit: str | None = None
    columns: list[Column] = field(default_factory=list)
    has_note_column: bool = False
    parent: str | None = None
    pending: list[str] = field(default_factory=list)  # label-only lines waiting for figures
    bases_above: list[str] | None = None  # "Prognos  Budget" printed on the line above the years
    member_rows: int = 0
    last_member: bool = (
        False  # the previous row was a member's contribution  # member contribution rows read in this block
    )
    subtitle: str | None = None  # a sub-note heading inside a note ("Not 1  Övriga intäkter")
    header_label: str | None = None  # the label cell of the header line ("INTÄKTER\t2023\t2024")
    rows: list[Proposal] = field(default_factory=list)


HEADER_FILLER = {
    *"jan feb mar apr maj jun jul aug sep sept okt nov dec".split(),
    *"januari februari mars april juni juli augusti september oktober november december".split(),
    *"belopp i kr tkr kronor".split(),
}


def basis_of(text: str) -> str:
    for basis, pattern in BASIS_WORDS:
        if pattern.search(text):
            return basis
    return "utfall"


def header_columns(text: str) -> tuple[list[Column], bool] | None:
    """The year columns of a header line, and whether it has a Not column; None if no header."""
    if YEAR_RANGE.search(text) or len(text) > 200:
        return None
    rest = YEAR.sub(" ", text)
    if any(f.magnitude > 31 for f in figures(rest)):
        return None
    # months ("jan-dec") and the unit ("Belopp i kr") say nothing about a header's length
    words = [w for w in re.findall(r"[A-Za-zÅÄÖåäö]+", rest) if w.lower() not in HEADER_FILLER]
    years = list(YEAR.finditer(text))
    if not years or len(words) > 6 + 3 * len(years) or (text.rstrip().endswith(".") and len(words) > 6):
        return None
    has_note = bool(re.search(r"(?:^|\s)not(?:\s*$|\s+(?![\d]))", rest, re.I)) and not re.search(
        r"\bnot\s*\d", rest, re.I
    )
    columns: list[Column] = []
    if "\t" in text.strip():
        cells = [c.strip() for c in text.split("\t") if c.strip()]
        seen_year = False
        for cell in cells:
            match = YEAR.search(cell)
            if match:
                seen_year = True
                columns.append(_column(cell, match))
            elif re.fullmatch(r"not", cell, re.I):
                continue
            elif seen_year and basis_of(cell) == "avvikelse" and columns[-1].year:
                # "Utfall 2025 | Budget 2025 | Avvikelse utfall – budget": the deviation of that year
                columns.append(Column(columns[-1].year, "avvikelse", cell))
            elif seen_year:
                columns.append(Column(None, None, cell))
    else:
        previous = 0
        for match in years:
            columns.append(_column(text[previous : match.end()], match))
            previous = match.end()
    return columns, has_note


def _column(cell: str, match: re.Match) -> Column:
    year = int(match.group(1))
    if match.group(2) == "01" and match.group(3) == "01":
        year -= 1  # "Ingående balans 2024-01-01" is the closing balance of 2023
    return Column(year, basis_of(cell), cell.strip())


def base_row(text: str) -> list[str] | None:
    """["prognos", "budget"] for a header line that names only the bases of the columns."""
    cells = [c.strip().lower() for c in text.split("\t") if c.strip()]
    if len(cells) >= 2 and all(c in ("utfall", "budget", "prognos", "avvikelse") for c in cells):
        return cells
    return None


def header_label(text: str) -> str | None:
    """The label cell before the year columns of a tab-separated header line, if it is words."""
    first = text.strip().split("\t")[0].strip()
    if "\t" not in text.strip() or YEAR.search(first) or unit_of(first) or not re.fullmatch(r"[A-Za-zÅÄÖåäö ]+", first):
        return None
    return first


def unit_of(text: str) -> str | None:
    match = UNIT.search(text)
    if not match:
        return None
    return UNIT_WORDS[(match.group("u") or match.group("p")).lower()]


def value_cells(text: str, wanted: int) -> list[str] | None:
    """The figure cells of a row, one per column, or None when they cannot be told apart."""
    text = NOTE_REF.sub(" ", text)
    if "\t" in text.strip():
        raw = [c.strip() for c in text.rstrip().split("\t")]
        if len(raw) == wanted and all(
            c == "" or parse_cell(c) is not None or DASH_CELL.match(c) or RATIO_CELL.match(c) for c in raw
        ):
            return [c or "-" for c in raw]
        cells = [c for c in raw if c]
        if len(cells) == wanted:
            return cells
        return None
    return _segment(text.split(), wanted)


def _is_chunk(token: str) -> bool:
    return bool(
        re.fullmatch(r"[-+\u2212\u2013]?\d{1,9}(?:,\d+)?%?|[-\u2013\u2212]|\d+(?:,\d+)?%|%|(?:t|m)?kr\.?", token, re.I)
    )


def _segment(tokens: list[str], wanted: int) -> list[str] | None:
    """Read the trailing run of numeric tokens as exactly `wanted` figures (right to left)."""
    run: list[str] = []
    for token in reversed(tokens):
        if not _is_chunk(token):
            break
        run.insert(0, token)
    # glue unit and percent tokens to the figure before them, and a lone sign to the figure after
    glued: list[str] = []
    for token in run:
        if re.fullmatch(r"%|(?:t|m)?kr\.?", token, re.I) and glued:
            glued[-1] += " " + token
        elif glued and re.fullmatch(r"[-+\u2212\u2013]", glued[-1]) and token[0].isdigit():
            glued[-1] += " " + token
        else:
            glued.append(token)
    while len(glued) > wanted and glued[0].endswith("%"):
        glued = glued[1:]  # a share column printed before the amounts ("Staten 50 % 9 529 000 9 531 000")
    best = None
    for start in range(len(glued)):
        found = _split(glued[start:], wanted)
        if found:
            best = found
            break
    return best


def _split(chunks: list[str], wanted: int) -> list[str] | None:
    """Split digit chunks into `wanted` figures; where several splits are possible, the one
    whose figures have the most similar number of digit groups (the columns of one row are of
    one magnitude: "135 492 141 723" is 135 492 and 141 723, not 135 492 141 and 723)."""
    splits = list(_splits(chunks, wanted))
    if not splits:
        return None
    return min(splits, key=lambda split: _spread(split))


def _spread(split: list[str]) -> int:
    sizes = [len(re.findall(r"\d+", figure)) for figure in split]
    return max(sizes) - min(sizes)


def _splits(chunks: list[str], wanted: int, limit: int = 64):
    """Every valid split (a figure: a head of 1-3 digits, then 3-digit groups; no leading zero)."""
    if wanted == 0:
        if not chunks:
            yield []
        return
    if not chunks:
        return
    head = chunks[0]
    if re.match(r"(?:[-+\u2212\u2013] ?)?0\d", head):
        return  # a figure never starts with a leading zero ("046" continues the figure before)
    ends = [1]
    if re.fullmatch(r"(?:[-+\u2212\u2013] ?)?\d{1,3}", head):
        j = 1
        while j < len(chunks) and re.fullmatch(r"\d{3}(?:,\d+)?(?: %| (?:t|m)?kr\.?)?", chunks[j], re.I):
            j += 1
            ends.append(j)
            if not re.fullmatch(r"\d{3}", chunks[j - 1]):
                break
    count = 0
    for end in reversed(ends):
        for rest in _splits(chunks[end:], wanted - 1, limit):
            yield [" ".join(chunks[:end]), *rest]
            count += 1
            if count >= limit:
                return


def parse_cell(cell: str) -> tuple[float, int, str | None, bool] | None:
    """(value, decimals, unit suffix, percent) of a figure cell; None if it is not one."""
    text = cell.strip()
    unit = None
    match = UNIT_SUFFIX.search(text)
    if match:
        unit = match.group(1).lower()
        text = (text[: match.start()] + text[match.end() :]).strip()
    percent = text.endswith("%")
    text = text.rstrip("%").strip()
    value = parse_figure(text)
    if value is None:
        return None
    dec = text.partition(",")[2]
    return value, len(dec), unit, percent


def clean_label(label: str) -> str:
    label = NOTE_REF.sub(" ", label)
    label = re.sub(r"\s+", " ", label).strip(" \t-–:")
    previous = None
    while previous != label:
        previous = label
        label = LABEL_NOISE.sub("", label).strip(" -–")
    return label


def split_label(text: str) -> tuple[str, str]:
    """(label, the rest holding the figures) of a table line."""
    stripped = text.strip()
    if "\t" in stripped:
        first, _, rest = stripped.partition("\t")
        if re.fullmatch(r"\d{3,5}", first) and "\t" in rest:
            second, _, after = rest.partition("\t")
            if second and parse_cell(second) is None:
                return second, after  # an account number column before the label
        if parse_cell(first) is None and not DASH_CELL.match(first):
            return first, rest
        return "", stripped
    tokens = stripped.split()
    i = len(tokens)
    while i > 0 and (_is_chunk(tokens[i - 1]) or re.fullmatch(r"not", tokens[i - 1], re.I)):
        i -= 1
    # a label may end in digits that belong to it (account numbers): keep 1 such token at most
    return " ".join(tokens[:i]), " ".join(tokens[i:])


class TableReader:
    """Reads the lines of one document and collects proposed financials rows."""

    def __init__(self, aliases: Aliases, vocabulary: Vocabulary, members: dict[str, str] | None = None):
        self.aliases = aliases
        self.members = members or {}
        self.vocabulary = vocabulary
        self.block = Block(None, "")
        self.proposals: list[Proposal] = []
        self.unmatched: list[tuple[str, str, int]] = []  # (statement, label, line)
        self.tables: list[tuple[str, str, int]] = []  # (statement, section, line) of each table found
        self.section_at: dict[int, str] = {}
        self.kommun_columns: list[str] | None = None

    # --- structure
    def heading(self, line: Line) -> bool:
        text = re.sub(r"\s+", " ", line.text).strip()
        if not text or len(text) > 110 or is_toc(line.text):
            return False
        markdown = re.match(r"^(?:#{1,6}\s+|§\s*\d+\s+)(?P<title>\S.*)$", text)
        if markdown:
            title = markdown.group("title").strip("*: ")
            statement = statement_of(title)
            if statement or self.block.statement not in ("budget",):
                self._start(statement, tidy_heading(text.lstrip("# ")), line)
            return True
        note = NOTE.match(text)
        numbered = NUMBERED.match(text)
        if note and not figures(YEAR.sub("", note.group("title") or "")):
            heading = tidy_heading(YEAR.sub("", text).strip())
            if self.block.statement == "note" and note.group("title") and "\t" in line.text.strip():
                # a sub-note printed as a table row of the note it belongs to
                cells = [c.strip() for c in line.text.split("\t") if c.strip()]
                titles = [c for c in cells[1:] if not YEAR.search(c)]
                self.block.subtitle = titles[0] if titles else None
                self._header_or_unit(line)
                return True
            self._start("note", heading, line)
            return True
        if numbered and len(text.split()) <= 12 and not figures(YEAR.sub("", text[len(numbered.group("num")) :])):
            self._start(statement_of(numbered.group("title")), tidy_heading(YEAR.sub("", text).strip()), line)
            return True
        statement = statement_of(text)
        if statement and len(text.split()) <= 8 and not figures(YEAR.sub("", text)):
            title = tidy_heading(re.sub(r"\(.*?\)", "", YEAR.sub("", text)).strip())
            if statement != self.block.statement:
                self._start(statement, title, line)
            else:
                if self.block.rows:
                    self._finish()
                    self.block.rows, self.block.member_rows = [], 0
                    self.block.section = title
                self._header_or_unit(line)
            return True
        return False

    def _start(self, statement: str | None, section: str, line: Line) -> None:
        self._finish()
        previous = self.block
        self.block = Block(statement, section)
        if statement == "note" and previous.statement == "note":
            # notes in a row share their year columns unless a note prints its own header
            self.block.columns, self.block.unit, self.block.has_note_column = (
                previous.columns,
                previous.unit,
                previous.has_note_column,
            )
        self._header_or_unit(line)

    def _header_or_unit(self, line: Line) -> bool:
        unit = unit_of(line.text)
        if unit:
            self.block.unit = unit
        header = header_columns(line.text)
        if header and any(c.year for c in header[0]):
            columns, has_note = header
            bases = self.block.bases_above
            if bases and len(bases) == len(columns) and all(c.basis == "utfall" for c in columns):
                columns = [Column(c.year, b, f"{b} {c.label}") for c, b in zip(columns, bases)]
            if self.block.rows:
                self._finish()  # a second table under the same heading: its rows are checked on their own
                self.block.rows = []
                self.block.member_rows = 0
            self.block.columns, self.block.has_note_column = columns, has_note
            self.block.header_label = header_label(line.text)
            self.block.bases_above = None
            self.block.pending = []
            self.tables.append((self.block.statement or "", self.block.section, line.number))
            return True
        return bool(unit)

    def _finish(self) -> None:
        financial = [p for p in self.block.rows if p.table == "financials"]
        apply_signs(financial, self.aliases)
        financial = drop_equity_repeats(financial)
        self.proposals.extend(p for p in self.block.rows if p.table != "financials")
        seen = {}
        for proposal in financial:
            r = proposal.row
            key = (r["statement"], r["year"], r["basis"], r["item"], r["section"])
            if key in seen:
                if seen[key].row["value"] != r["value"]:
                    seen[key].confidence = round(seen[key].confidence * 0.5, 2)
                continue
            seen[key] = proposal
            self.proposals.append(proposal)

    # --- rows
    def feed(self, line: Line) -> None:
        self.section_at[line.number] = self.block.section
        if not line.text.strip():
            return
        if self.heading(line):
            return
        bases = base_row(line.text)
        if bases:
            self.block.bases_above = bases
            return
        if self._kommun_table(line):
            return
        block = self.block
        if block.statement not in TABLE_STATEMENTS:
            return
        if self._header_or_unit(line) and not figures(YEAR.sub("", line.text)):
            return
        if not block.columns:
            return
        label, rest = split_label(line.text)
        label = clean_label(label)
        if not rest.strip() or not any(ch.isdigit() for ch in rest):
            if label and len(label.split()) <= 10:
                block.pending = (block.pending + [label])[-2:]
                if not label.lower().startswith("varav") and self._lookup(label) is None:
                    pass
            return
        if not label and block.pending:
            label = block.pending[-1]
        elif not label:
            return
        wanted = len(block.columns)
        cells = value_cells(rest, wanted + (1 if block.has_note_column else 0)) if block.has_note_column else None
        if cells and _small_int(cells[0]):
            cells = cells[1:]
        else:
            cells = value_cells(rest, wanted)
        if cells is None:
            self.unmatched.append((block.statement, label, line.number))
            block.pending = []
            return
        if fold(label) in TOTAL_LABELS:
            label = self._total_label() or label
        candidates = self._candidates(label)
        item, confidence = None, 0.0
        for candidate, conf in candidates:
            found = self._lookup(candidate)
            if found:
                item, confidence = found, conf
                break
        if item is None and block.statement == "note" and not label.lower().startswith("varav"):
            item, confidence = self.aliases.item_by_prefix(label, "note"), 0.6
        if not label.lower().startswith("varav"):
            block.parent = label
        block.pending = []
        member = (
            member_of(label, self.members)
            if self.members and block.statement in ("note", "income_statement", "budget")
            else None
        )
        if member and (item is None or block.member_rows):
            self._member_rows(member, label, rest, cells, line)
            block.last_member = True
            return
        closes_members, block.last_member = block.last_member, False
        if item is None:
            self.unmatched.append((block.statement, label, line.number))
            return
        if item == "operating_income" and any(r.row.get("item") == "equity_opening" for r in block.rows):
            item = "funds_available"  # a total below the opening equity: income plus equity brought in
        if item == "member_contribution_total" and closes_members:
            self._member_rows(("*", "*"), label, rest, cells, line)
        self._rows(item, label, cells, line, confidence)

    def _member_rows(self, member: tuple[str, str], label: str, rest: str, cells: list[str], line: Line) -> None:
        block = self.block
        block.member_rows += 1
        share = SHARE.search(NOTE_REF.sub(" ", rest))
        share_pct = share.group(1).replace(",", ".") if share and not cells[0].strip().endswith("%") else ""
        for column, cell in zip(block.columns, cells):
            if column.year is None or DASH_CELL.match(cell.strip()):
                continue
            parsed = parse_cell(cell)
            if parsed is None or parsed[3]:
                continue
            value, decimals, suffix, _ = parsed
            row = {
                "year": column.year,
                "basis": column.basis,
                "member": member[0],
                "member_kind": member[1],
                "value": format_value(abs(value), decimals),
                "unit": suffix or block.unit or "kr",
                "share_pct": share_pct,
                "section": block.section,
                "page": "" if line.page is None else str(line.page),
                "note": label,
            }
            block.rows.append(
                Proposal("member_contributions", row, printed=cell.strip(), line=line.number, confidence=0.85)
            )

    def _kommun_table(self, line: Line) -> bool:
        """Participants per kommun and gender: a header of kommun names, rows Kvinnor/Män/Totalt."""
        cells = [c.strip() for c in line.text.split("\t") if c.strip()]
        kommuner = {name for name, kind in self.members.items() if kind == "kommun"}
        if len(cells) >= 2 and kommuner and all((member_of(c, self.members) or ("", ""))[0] in kommuner for c in cells):
            self.kommun_columns = [member_of(c, self.members)[0] for c in cells]
            return True
        if not self.kommun_columns or len(cells) != len(self.kommun_columns) + 1:
            self.kommun_columns = None if not line.text.strip() or len(cells) < 2 else self.kommun_columns
            return False
        gender = self.aliases.gender(cells[0])
        values = [parse_cell(c) for c in cells[1:]]
        if gender is None or any(v is None or v[3] or v[1] for v in values):
            return False
        for kommun, cell, (value, _, _, _) in zip(self.kommun_columns, cells[1:], values):
            row = {
                "year": None,
                "intervention": "*",
                "group": kommun,
                "measure": "active",
                "gender": gender,
                "value": str(int(value)),
                "unit": "count",
                "section": self.block.section,
                "page": "" if line.page is None else str(line.page),
                "note": cells[0],
            }
            self.proposals.append(Proposal("participants", row, printed=cell, line=line.number, confidence=0.6))
        return True

    def _total_label(self) -> str | None:
        """What a bare "Summa" totals: the title of the sub-note it closes, the label of its
        table's header line ("INTÄKTER  2023  2024" -> "Summa intäkter"), or the note's title."""
        head = self.block.header_label
        if not self.block.subtitle and head and self._lookup(f"summa {head}"):
            return f"Summa {head.lower()}"
        title = self.block.subtitle or self.block.section
        title = re.sub(r"^(?:bilaga\s+)?(?:not\s*\d+|\d+(?:\.\d+)*)\s*[.:\-–]?\s*", "", title, flags=re.I)
        return title or None

    def _candidates(self, label: str) -> list[tuple[str, float]]:
        out = []
        lower = label.lower()
        if lower.startswith("varav") and self.block.parent:
            out.append((f"{self.block.parent} {label}", 0.9))
        out.append((label, 0.95))
        no_paren = re.sub(r"\(.*?\)", " ", label)
        if no_paren != label and self.block.statement == "note":
            out.append((no_paren, 0.85))
        if self.block.pending:
            out.append((f"{self.block.pending[-1]} {label}", 0.8))
        if lower.startswith("varav"):
            out.append((label[5:], 0.6))
        return out

    def _lookup(self, label: str) -> str | None:
        return self.aliases.item(label, self.block.statement or "")

    def _rows(self, item: str, label: str, cells: list[str], line: Line, confidence: float) -> None:
        block = self.block
        kind = self.vocabulary.item_kind(item)
        for column, cell in zip(block.columns, cells):
            if column.year is None or DASH_CELL.match(cell.strip()):
                continue
            ratio = RATIO_CELL.match(cell.strip())
            if ratio and kind == "pct":
                parts = (
                    ("equity", ratio.group("a"), None),
                    ("total_assets", ratio.group("b"), None),
                    (item, ratio.group("p"), "pct"),
                )
                for part_item, printed, unit in parts:
                    value = parse_figure(printed)
                    self._add(
                        part_item,
                        value,
                        len(printed.partition(",")[2]),
                        unit or block.unit or "kr",
                        column,
                        label,
                        cell,
                        line,
                        confidence * 0.9,
                    )
                continue
            parsed = parse_cell(cell)
            if parsed is None:
                continue
            value, decimals, suffix, percent = parsed
            if kind == "pct":
                unit = "pct"
                if not percent and abs(value) <= 1.5 and decimals:
                    value, decimals = round(value * 100, max(decimals - 2, 0)), max(decimals - 2, 0)
            elif kind == "count":
                unit = "count"
            else:
                unit = suffix or block.unit or "kr"
                if percent:
                    continue
            conf = confidence if (suffix or block.unit or decimals or kind != "money") else confidence * 0.8
            self._add(item, value, decimals, unit, column, label, cell, line, conf)

    def _add(self, item, value, decimals, unit, column: Column, label, cell, line: Line, confidence) -> None:
        block = self.block
        row = {
            "statement": block.statement,
            "year": column.year,
            "basis": column.basis,
            "item": item,
            "value": format_value(value, decimals),
            "unit": unit,
            "section": block.section,
            "page": "" if line.page is None else str(line.page),
            "note": label if fold(label) else "",
        }
        block.rows.append(
            Proposal("financials", row, printed=cell.strip(), line=line.number, confidence=round(confidence, 2))
        )

    def sections(self) -> dict[int, str]:
        """Line number -> the section heading in force there (for prose)."""
        return self.section_at

    def close(self) -> list[Proposal]:
        self._finish()
        self.block = Block(None, "")
        return self.proposals


def _small_int(cell: str) -> bool:
    return bool(re.fullmatch(r"\d{1,2}", cell.strip()))


def format_value(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def apply_signs(rows: list[Proposal], aliases: Aliases) -> None:
    """Costs negative, income/assets/equity/liabilities positive, as the curation guide says.

    A table that prints costs without a sign (every cost row positive) gets them negated with
    the note "printed without sign"; a table that prints liabilities with a minus sign (credit
    balance) gets them positive. A table that mixes signs is left as printed."""
    for sign, wrong in (("cost", lambda v: v > 0), ("positive", lambda v: v < 0)):
        group = [r for r in rows if aliases.sign(r.row["item"]) == sign and float(r.row["value"]) != 0]
        if group and all(wrong(float(r.row["value"])) for r in group):
            for r in group:
                text = r.row["value"]
                r.row["value"] = text[1:] if text.startswith("-") else "-" + text
                r.row["note"] = "; ".join(
                    filter(
                        None, [r.row["note"], "printed without sign" if sign == "cost" else "printed with minus sign"]
                    )
                )


def read_tables(
    lines: list[Line], aliases: Aliases, vocabulary: Vocabulary, members: dict[str, str] | None = None
) -> TableReader:
    reader = TableReader(aliases, vocabulary, members)
    for line in lines:
        reader.feed(line)
    reader.close()
    return reader
