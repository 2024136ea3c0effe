"""Read a OneRoster 1.1 / 1.2 CSV bundle (a folder or a zip) into rows with line numbers.

The reader checks the shape only: the manifest, which files it lists, headers and row widths.
What the values mean is checked by the importer, which reports every issue with its file, line
and column.
"""

from __future__ import annotations

import csv
import difflib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from masterypath.interop.oneroster.errors import Issue, OneRosterErrorCode, OneRosterImportError

MAX_FILE_BYTES = 200 * 1024 * 1024
ROSTER_FILES = (
    "orgs",
    "academicSessions",
    "courses",
    "classes",
    "users",
    "enrollments",
    "demographics",
    "roles",
    "userProfiles",
)
GRADEBOOK_FILES = (
    "categories",
    "lineItems",
    "results",
    "scoreScales",
    "lineItemLearningObjectiveIds",
    "resultLearningObjectiveIds",
)
KNOWN_FILES = (
    *ROSTER_FILES,
    *GRADEBOOK_FILES,
    "resources",
    "classResources",
    "courseResources",
    "userResources",
    "lineItemScoreScales",
    "resultScoreScales",
)
REQUIRED_COLUMNS = {
    "orgs": ("sourcedId", "name", "type"),
    "academicSessions": ("sourcedId", "title", "type", "startDate", "endDate", "schoolYear"),
    "courses": ("sourcedId", "title", "orgSourcedId"),
    "classes": ("sourcedId", "title", "courseSourcedId", "schoolSourcedId", "termSourcedIds"),
    "users": ("sourcedId", "enabledUser", "givenName", "familyName"),
    "enrollments": ("sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"),
    "demographics": ("sourcedId",),
    "roles": ("userSourcedId", "roleType", "role", "orgSourcedId"),
    "userProfiles": ("sourcedId", "userSourcedId"),
    "categories": ("sourcedId", "title"),
    "lineItems": ("sourcedId", "title", "classSourcedId"),
    "results": ("sourcedId", "lineItemSourcedId", "studentSourcedId", "scoreStatus"),
    "scoreScales": ("sourcedId", "title"),
    "lineItemLearningObjectiveIds": ("lineItemSourcedId", "source", "learningObjectiveIds"),
    "resultLearningObjectiveIds": ("resultSourcedId", "source", "learningObjectiveId", "score"),
}


# Columns OneRoster 1.0 named otherwise: file -> {1.0 name: 1.1 name}.
OLD_COLUMNS = {
    "demographics": {"userSourcedId": "sourcedId"},
    "users": {"grade": "grades"},
    "courses": {"grade": "grades"},
    "classes": {"grade": "grades", "termSourcedId": "termSourcedIds"},
}
MANIFEST_KEYS = {"manifest.version", "oneroster.version", "source.systemName", "source.systemCode"}


@dataclass(slots=True)
class Row:
    line: int
    values: dict[str, str]  # column -> value, stripped of surrounding blanks when read

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass
class Table:
    name: str
    mode: str
    header: list[str]
    rows: list[Row] = field(default_factory=list)

    @property
    def file(self) -> str:
        return f"{self.name}.csv"


@dataclass
class Bundle:
    source: str
    version: str
    manifest: dict[str, str]
    tables: dict[str, Table]
    warnings: list[Issue] = field(default_factory=list)
    # Shape problems found while reading: the importer reports them with the row problems of
    # the other files, in one pass.
    issues: list[Issue] = field(default_factory=list)
    # Files whose header is unusable -> why; their rows are not applied but are known, so
    # that a row pointing at one of them says it was refused and why.
    broken: dict[str, str] = field(default_factory=dict)

    def rows(self, name: str) -> list[Row]:
        table = self.tables.get(name)
        return table.rows if table and name not in self.broken else []

    def refused_rows(self, name: str) -> list[Row]:
        """The rows of a file refused as a whole (its header is unusable)."""
        table = self.tables.get(name)
        return table.rows if table and name in self.broken else []

    def mode(self, name: str) -> str:
        table = self.tables.get(name)
        return table.mode if table else "absent"


def _files_of(location: str | Path) -> dict[str, bytes]:
    """Lower-cased base name (without .csv) -> bytes, from a folder or a zip."""
    path = Path(location)
    files: dict[str, bytes] = {}
    if path.is_dir():
        for entry in sorted(path.iterdir()):
            if entry.suffix.lower() == ".csv" and entry.is_file():
                if entry.stat().st_size > MAX_FILE_BYTES:
                    raise OneRosterImportError(
                        OneRosterErrorCode.UNREADABLE,
                        [Issue(entry.name, 0, "", "File over 200 MB.")],
                    )
                files[entry.stem.lower()] = entry.read_bytes()
        return files
    if not path.exists():
        raise OneRosterImportError(
            OneRosterErrorCode.UNREADABLE, [Issue(str(path), 0, "", "No such file or folder.")]
        )
    try:
        with zipfile.ZipFile(path) as archive:
            files = _read_zip(archive, path.name)
    except (zipfile.BadZipFile, OSError) as error:
        raise OneRosterImportError(
            OneRosterErrorCode.UNREADABLE,
            [Issue(path.name, 0, "", f"Neither a folder nor a readable zip file ({error}).")],
        ) from error
    return files


def _zip_limits() -> tuple[int, int]:
    """(most entries, most uncompressed bytes of the files read) for an uploaded zip."""
    entries: int = getattr(settings, "ONEROSTER_ZIP_MAX_ENTRIES", 1000)
    total: int = getattr(settings, "ONEROSTER_ZIP_MAX_BYTES", 1024 * 1024 * 1024)
    return entries, total


def _read_zip(archive: zipfile.ZipFile, zip_name: str) -> dict[str, bytes]:
    """The bundle's files from a zip, read only when the bundle needs them.

    The central directory is checked first (no entry is decompressed before): at most
    ONEROSTER_ZIP_MAX_ENTRIES entries, and the files a OneRoster bundle knows (the manifest and
    the KNOWN_FILES) at most ONEROSTER_ZIP_MAX_BYTES uncompressed in all, each at most
    MAX_FILE_BYTES. Other entries (junk, folders, other files) are never read. zipfile stops
    each entry at its declared size, so a declared size cannot be exceeded while reading.
    """
    max_entries, max_bytes = _zip_limits()
    infos = archive.infolist()
    if len(infos) > max_entries:
        raise OneRosterImportError(
            OneRosterErrorCode.UNREADABLE,
            [
                Issue(
                    zip_name,
                    0,
                    "",
                    f"The zip holds {len(infos)} entries; a OneRoster bundle needs about 20 "
                    f"and at most {max_entries} are accepted.",
                )
            ],
        )
    wanted = {"manifest", *(name.lower() for name in KNOWN_FILES)}
    chosen: dict[str, zipfile.ZipInfo] = {}
    unknown: dict[str, bytes] = {}
    for info in infos:
        name = info.filename.rsplit("/", 1)[-1]
        if info.is_dir() or not name.lower().endswith(".csv") or name.startswith("."):
            continue
        stem = name[:-4].lower()
        if stem not in wanted:
            unknown[stem] = b""  # named in a warning, never decompressed
            continue
        if info.file_size > MAX_FILE_BYTES:
            raise OneRosterImportError(
                OneRosterErrorCode.UNREADABLE, [Issue(name, 0, "", "File over 200 MB.")]
            )
        chosen[stem] = info
    total = sum(info.file_size for info in chosen.values())
    if total > max_bytes:
        raise OneRosterImportError(
            OneRosterErrorCode.UNREADABLE,
            [
                Issue(
                    zip_name,
                    0,
                    "",
                    f"The bundle's files unpack to {total / 1e6:.0f} MB; at most "
                    f"{max_bytes / 1e6:.0f} MB are accepted.",
                )
            ],
        )
    return unknown | {stem: archive.read(info) for stem, info in chosen.items()}


def _parse_csv(name: str, data: bytes, issues: list[Issue]) -> tuple[list[str], list[Row]]:
    file = f"{name}.csv"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        issues.append(Issue(file, 0, "", f"Not UTF-8 text (byte {error.start})."))
        return [], []
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    rows: list[Row] = []
    header: list[str] = []
    try:
        for record in reader:
            line = reader.line_num
            if not header:
                header = [column.strip() for column in record]
                continue
            stripped = list(map(str.strip, record))
            if not any(stripped):
                continue
            if len(stripped) > len(header) and any(stripped[len(header) :]):
                issues.append(
                    Issue(
                        file,
                        line,
                        "",
                        f"{len(record)} values but the header has {len(header)} columns.",
                    )
                )
                continue
            # missing trailing values read as empty (Row.get); unnamed columns are dropped
            values = dict(zip(header, stripped, strict=False))
            values.pop("", None)
            rows.append(Row(line, values))
    except csv.Error as error:
        issues.append(Issue(file, reader.line_num, "", f"Not valid CSV: {error}."))
    return header, rows


def _missing_columns_issue(name: str, header: list[str], missing: list[str]) -> Issue:
    old = {new: old for old, new in OLD_COLUMNS.get(name, {}).items() if old in header}
    hints = [
        f"{old[column]} is the OneRoster 1.0 name of {column}: rename the column {column} "
        "(OneRoster 1.1)."
        for column in missing
        if column in old
    ]
    message = "Required column(s) missing from the header."
    return Issue(f"{name}.csv", 1, ", ".join(missing), " ".join([message, *hints]))


def _manifest_warnings(manifest: dict[str, str]) -> list[Issue]:
    """Unknown manifest properties (a misspelt `fiel.demographics` would silently drop a
    file): each gets a warning, with the known property it most resembles."""
    known = MANIFEST_KEYS | {f"file.{name}" for name in KNOWN_FILES}
    warnings = []
    for key in manifest:
        if not key or key in known:
            continue
        close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.75)
        hint = f" Did you mean {close[0]}?" if close else ""
        warnings.append(
            Issue("manifest.csv", 0, "propertyName", f"Unknown property {key!r}; ignored.{hint}")
        )
    return warnings


def read_bundle(location: str | Path) -> Bundle:
    """Read and shape-check a bundle. A bundle that cannot be read at all (no manifest, not a
    zip) raises OneRosterImportError; every other shape problem is kept in `Bundle.issues`
    and raised by the importer together with the row problems, so that one pass reports
    them all."""
    files = _files_of(location)
    issues: list[Issue] = []
    warnings: list[Issue] = []
    if "manifest" not in files:
        raise OneRosterImportError(
            OneRosterErrorCode.NOT_A_BUNDLE,
            [
                Issue(
                    "manifest.csv",
                    0,
                    "",
                    "manifest.csv is missing: this is not a OneRoster CSV bundle "
                    f"(found: {', '.join(sorted(files)) or 'no CSV files'}).",
                )
            ],
        )
    manifest_header, manifest_rows = _parse_csv("manifest", files["manifest"], issues)
    if manifest_header[:2] != ["propertyName", "value"]:
        issues.append(Issue("manifest.csv", 1, "", "The header must be propertyName,value."))
    manifest = {row.get("propertyName"): row.get("value") for row in manifest_rows}
    version = manifest.get("oneroster.version", "")
    if version not in {"1.0", "1.1", "1.2"}:
        issues.append(
            Issue(
                "manifest.csv",
                0,
                "value",
                f"oneroster.version must be 1.0, 1.1 or 1.2, not {version!r}.",
            )
        )
    tables: dict[str, Table] = {}
    broken: dict[str, str] = {}
    canonical = {name.lower(): name for name in KNOWN_FILES}
    for key, data in files.items():
        if key == "manifest":
            continue
        name = canonical.get(key)
        if name is None:
            warnings.append(Issue(f"{key}.csv", 0, "", "Not a OneRoster file; ignored."))
            continue
        mode = manifest.get(f"file.{name}", "").lower()
        if mode not in {"bulk", "delta"}:
            warnings.append(
                Issue(
                    f"{name}.csv",
                    0,
                    "",
                    f"The manifest lists this file as {mode or 'missing'}; ignored.",
                )
            )
            continue
        if name not in REQUIRED_COLUMNS:
            warnings.append(Issue(f"{name}.csv", 0, "", "Not used by masterypath; ignored."))
            continue
        header, rows = _parse_csv(name, data, issues)
        missing = [c for c in REQUIRED_COLUMNS[name] if c not in header]
        table = Table(name=name, mode=mode, header=header, rows=rows)
        if missing:
            issue = _missing_columns_issue(name, header, missing)
            issues.append(issue)
            broken[name] = f"the header of {name}.csv lacks {', '.join(missing)}"
        for old, new in OLD_COLUMNS.get(name, {}).items():
            if old in header and new not in header and new not in missing:
                warnings.append(
                    Issue(
                        f"{name}.csv",
                        1,
                        old,
                        f"{old} is the OneRoster 1.0 name of {new}; the column is ignored "
                        f"until it is renamed {new} (OneRoster 1.1).",
                    )
                )
        if "" in header:
            warnings.append(
                Issue(f"{name}.csv", 1, "", "Unnamed column(s) in the header; ignored.")
            )
        tables[name] = table
    warnings.extend(_manifest_warnings(manifest))
    for property_name, value in manifest.items():
        if (
            property_name
            and property_name.startswith("file.")
            and value.lower() in {"bulk", "delta"}
        ):
            name = property_name[5:]
            if name in REQUIRED_COLUMNS and name not in tables:
                issues.append(
                    Issue(
                        f"{name}.csv",
                        0,
                        "",
                        f"The manifest lists this file as {value} but the bundle does not hold it.",
                    )
                )
    return Bundle(
        source=str(location),
        version=version,
        manifest=manifest,
        tables=tables,
        warnings=warnings,
        issues=issues,
        broken=broken,
    )
