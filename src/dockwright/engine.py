"""Select fixes, run them to a fixpoint, verify every output, write atomically."""
from __future__ import annotations

import bisect
import functools
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from dockwright import discover
from dockwright.config import Config
from dockwright.documents import load_document, verify_document
from dockwright.documents.source import Problem, Source, decode, line_starts
from dockwright.edits import Edit, EditConflict, apply_edits
from dockwright.fixes import SUPPRESSION, Applicability, Fix, Notice, Rule, suppresses

MAX_PASSES = 6  # a fix that builds on another (DW202 after DW201) takes a pass; same-point insertions share one


@dataclass(frozen=True)
class Options:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    phases: frozenset[int] | None = None
    unsafe_fixes: bool = False
    write: bool = False


@dataclass(frozen=True)
class Message:
    """A line for the user: ``display:line:col: CODE message``."""

    display: str
    line: int
    column: int
    code: str
    text: str
    severity: str

    def __str__(self) -> str:
        code = f"{self.code} " if self.code else ""
        return f"{self.display}:{self.line}:{self.column}: {code}{self.text}"


@dataclass(frozen=True)
class Applied:
    """A fix that made it into the output, with where it applied (in that pass's input)."""

    fix: Fix
    line: int
    column: int

    @property
    def code(self) -> str:
        return self.fix.code

    @property
    def message(self) -> str:
        return self.fix.message


@dataclass
class FileState:
    path: Path
    display: str
    kind: str
    env: str
    source: Source
    original: bytes | None  # None: the file is created by a fix
    document: Any
    applied: list[Applied] = field(default_factory=list)
    # the edits of each applied pass, in that pass's input coordinates: messages from a
    # later pass are mapped back through them to a line and column of the file on disk
    history: list[tuple[Edit, ...]] = field(default_factory=list)
    _index: tuple[str, list[int]] | None = None
    _original_index: list[int] | None = None

    def original_starts(self) -> list[int]:
        if self._original_index is None:
            self._original_index = line_starts(self.source.text)
        return self._original_index

    def line_starts(self) -> list[int]:
        text = self.text
        if self._index is None or self._index[0] is not text:
            self._index = (text, line_starts(text))
        return self._index[1]

    @property
    def text(self) -> str:
        return self.document.text if self.document is not None else self.source.text


@dataclass(frozen=True)
class FileResult:
    path: Path
    display: str
    before: str  # full text, BOM included, "" for a new file
    after: str
    fixes: tuple[Applied, ...]
    created: bool

    @property
    def redact(self) -> tuple[tuple[str, str], ...]:
        return tuple(pair for applied in self.fixes for pair in applied.fix.redact)


@dataclass
class Outcome:
    files: list[FileResult] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)

    @property
    def changed(self) -> list[FileResult]:
        return [f for f in self.files if f.before != f.after]

    @property
    def failed(self) -> bool:
        return any(m.severity == "error" for m in self.messages)

    @property
    def exit_code(self) -> int:
        if self.failed:
            return 2
        return 1 if self.changed else 0


@functools.lru_cache(maxsize=65536)
def _resolve(path: str) -> Path:
    return Path(path).resolve()


def resolved(path: str | Path) -> Path:
    """``Path.resolve`` with a cache: cross-file fixes ask for the same paths many times."""
    return _resolve(os.path.abspath(path))  # absolute first: a relative key would outlive a chdir


class Project:
    """Every document of the run, for fixes that span files."""

    def __init__(self, config: Config, states: dict[Path, FileState]):
        self.config = config
        self._states = states
        self._texts: dict[Path, str | None] = {}

    def documents(self, kind: str | None = None) -> list[Any]:
        return [s.document for s in self._states.values() if s.document is not None and (kind is None or s.kind == kind)]

    def kind_of(self, path: str | Path) -> str | None:
        state = self._states.get(resolved(path))
        return state.kind if state else None

    def environment_of(self, path: str | Path) -> str:
        state = self._states.get(resolved(path))
        return state.env if state else self.config.environment_of(Path(path))

    def document(self, path: str | Path) -> Any:
        state = self._states.get(resolved(path))
        return state.document if state else None

    def read_text(self, path: str | Path) -> str | None:
        """A file beside the documents (package.json, next.config.js), or None.

        Transforms read other files only through here, so that they stay free of IO
        the engine does not know about.
        """
        real = resolved(path)
        if real not in self._texts:
            try:
                self._texts[real] = real.read_text(encoding="utf-8") if real.is_file() else None
            except (OSError, UnicodeDecodeError):
                self._texts[real] = None
        return self._texts[real]

    def exists(self, path: str | Path) -> bool:
        """On disk, or a document of this run (a file a fix creates exists from then on)."""
        return resolved(path) in self._states or Path(path).exists()


@dataclass(frozen=True)
class Context:
    env: str
    options: dict[str, Any]
    project: Project
    config: Config
    selected: frozenset[str] = frozenset()  # codes of every rule in this run, for fixes that build on another


# selection -------------------------------------------------------------------

def select_rules(rules: Iterable[Rule], options: Options, config: Config) -> list[Rule]:
    select = options.select or config.select
    ignore = (*options.ignore, *config.ignore)
    chosen = []
    for rule in rules:
        if select and not _matches(rule, select):
            continue
        if ignore and _matches(rule, ignore):
            continue
        if options.phases is not None and rule.phase not in options.phases:
            continue
        chosen.append(rule)
    return chosen


def _matches(rule: Rule, patterns: Iterable[str]) -> bool:
    for pattern in patterns:
        pattern = pattern.strip()
        if pattern.upper() in ("ALL", "DW") or rule.name == pattern:
            return True
        if pattern.upper().startswith("DW") and rule.code.startswith(pattern.upper()):
            return True
    return False


def unknown_selectors(rules: Iterable[Rule], patterns: Iterable[str]) -> list[str]:
    rules = list(rules)
    return [p for p in patterns if p.strip() and not any(_matches(r, [p]) for r in rules)]


# loading ----------------------------------------------------------------------

def display_path(path: Path) -> str:
    try:
        return os.path.relpath(path, Path.cwd()).replace(os.sep, "/")
    except ValueError:  # another drive on Windows
        return path.as_posix()


def load_states(paths: list[Path], config: Config, kinds: set[str], messages: list[Message]) -> dict[Path, FileState]:
    states: dict[Path, FileState] = {}
    unreadable: list[OSError] = []
    for candidate in discover.candidates(paths, unreadable):
        state = _load(candidate, config, kinds, messages)
        if state is not None:
            states[candidate.path.resolve()] = state
    for error in unreadable:
        messages.append(Message(display_path(Path(error.filename or ".")), 1, 1, "", f"cannot read this folder: {error.strerror}; skipped", "error"))
    return states


def _load(candidate: discover.Candidate, config: Config, kinds: set[str], messages: list[Message]) -> FileState | None:
    path = candidate.path
    name = path.name
    dockerfile = discover.is_dockerfile_name(name)
    if dockerfile and "dockerfile" not in kinds:
        return None
    try:
        data = path.read_bytes()
    except OSError as error:
        messages.append(Message(display_path(path), 1, 1, "", f"cannot read: {error.strerror}", "error"))
        return None
    return _load_bytes(candidate, data, config, kinds, messages)


def _load_bytes(candidate: discover.Candidate, data: bytes, config: Config, kinds: set[str], messages: list[Message]) -> FileState | None:
    path = candidate.path
    name = path.name
    dockerfile = discover.is_dockerfile_name(name)
    display = display_path(path)
    # A broken YAML file is only our business when its name says it is ours.
    ours_by_name = dockerfile or discover.is_compose_name(name) or candidate.explicit
    try:
        source = decode(data)
        kind = "dockerfile" if dockerfile else "yaml"
        document = load_document(kind, display, source)
    except RecursionError:
        problem = Problem("nested too deeply to process; skipped")
        messages.append(Message(display, 1, 1, "", problem.message, "error"))
        return None
    except Problem as problem:
        if ours_by_name:
            messages.extend(Message(display, p.line, p.column, "", p.message, "error") for p in problem.every())
        return None
    if not dockerfile:
        kind = discover.yaml_kind(name, document.plain) or ""
        if kind not in kinds:
            if candidate.explicit and not kind:
                messages.append(Message(display, 1, 1, "", "not a Compose, Prometheus or Alertmanager file, nor a Dockerfile; skipped", "info"))
            return None
    env = config.environment_of(path) if kind == "compose" else "prod"
    return FileState(path, display, kind, env, source, data, document)


# running ------------------------------------------------------------------------

def run(paths: list[Path], rules: list[Rule], config: Config, options: Options) -> Outcome:
    outcome = Outcome()
    kinds = {r.kind for r in rules} | _project_kinds(rules)
    states = load_states(paths, config, kinds, outcome.messages)
    run_states(states, rules, config, options, outcome)
    if options.write:
        for result in outcome.changed:
            state = states[result.path.resolve()]
            try:
                write_atomic(state.path, state.source.encode(state.text))
            except OSError as error:
                outcome.messages.append(Message(state.display, 1, 1, "", f"cannot write: {error.strerror or error}; the file is left as it was", "error"))
    return outcome


def run_states(states: dict[Path, FileState], rules: list[Rule], config: Config, options: Options, outcome: Outcome) -> Outcome:
    """The pure core: documents in, fixed documents and messages out; no file is touched."""
    project = Project(config, states)
    _check_suppressions(states, outcome)
    seen_notices: set[tuple[str, str, str]] = set()
    for _ in range(MAX_PASSES):
        fixes = _collect(rules, states, project, config, options, outcome, seen_notices)
        if not fixes:
            break
        if not _apply_pass(fixes, states, config, outcome):
            break
    else:
        if _collect(rules, states, project, config, options, Outcome(), set()):
            outcome.messages.append(Message(".", 1, 1, "", f"fixes did not settle after {MAX_PASSES} passes; later passes skipped", "error"))
    for state in states.values():
        before = "" if state.original is None else ("\ufeff" if state.source.bom else "") + state.source.text
        after = ("\ufeff" if state.source.bom else "") + state.text
        outcome.files.append(FileResult(state.path, state.display, before, after, tuple(state.applied), state.original is None))
    return outcome


def fix_text(data: bytes, name: str, rules: list[Rule], *, env: str | None = None, config: Config | None = None, options: Options | None = None) -> tuple[bytes, Outcome]:
    """``source -> source`` for one file, as the tests and the golden runner use it."""
    config = config or Config(root=Path("."))
    options = options or Options()
    outcome = Outcome()
    path = Path(name)
    candidate = discover.Candidate(path, explicit=True)
    state = _load_bytes(candidate, data, config, {r.kind for r in rules}, outcome.messages)
    if state is None:
        return data, outcome
    if env is not None:
        state.env = env
    run_states({path.resolve(): state}, rules, config, options, outcome)
    return state.source.encode(state.text), outcome


def _project_kinds(rules: list[Rule]) -> set[str]:
    kinds: set[str] = set()
    for rule in rules:
        kinds.update(rule.options.get("reads", ()))
    return kinds


def _collect(rules, states, project, config, options, outcome, seen_notices) -> list[tuple[FileState, Fix]]:
    collected: list[tuple[FileState, Fix]] = []
    selected = frozenset(r.code for r in rules)
    for rule in rules:
        for state, found in _run_rule(rule, states, project, config, selected):
            target = _target_state(state, found, states, config)
            if isinstance(found, Notice):
                _notice(target or state, found, outcome, seen_notices)
                continue
            if target is None or _suppressed(target, found):
                continue
            if found.applicability is Applicability.UNSAFE and not options.unsafe_fixes:
                _notice(target, Notice(found.code, f"{found.message} (unsafe fix; run with --unsafe-fixes)", found.offset, found.path, severity="info"), outcome, seen_notices)
                continue
            if found.applicability is Applicability.DISPLAY:
                continue
            collected.append((target, found))
    return collected


def _run_rule(rule: Rule, states: dict[Path, FileState], project: Project, config: Config, selected: frozenset[str] = frozenset()):
    options = config.options(rule.code, rule.name)
    if rule.kind == "project":
        anchor = next(iter(states.values()), None)
        if anchor is None:
            return
        for found in _contained(rule, lambda: rule.check(project, Context("prod", options, project, config, selected))):
            yield anchor, found
        return
    for state in list(states.values()):
        if state.kind != rule.kind or state.document is None or state.env not in rule.environments:
            continue
        for found in _contained(rule, lambda: rule.check(state.document, Context(state.env, options, project, config, selected))):
            yield state, found


def _contained(rule: Rule, check) -> list[Fix | Notice]:
    """A transform's results, or one error for it: a bug in one fix never stops the others."""
    try:
        return list(check())
    except Exception as error:  # noqa: BLE001 - reported, and the file is left as that fix found it
        return [Notice(rule.code, f"internal error in this fix, which was skipped for this file: {type(error).__name__}: {error} (please report it)", None, severity="error")]


def _target_state(state: FileState, found: Fix | Notice, states: dict[Path, FileState], config: Config) -> FileState | None:
    if found.file is None:
        return state
    path = resolved(found.file)
    if path in states:
        return states[path]
    if isinstance(found, Fix) and found.creates:
        source = Source(text="", bom=False, newline="\n")
        created = FileState(path, display_path(path), "new", "prod", source, None, None)
        states[path] = created
        return created
    return None


def _notice(state: FileState, notice: Notice, outcome: Outcome, seen: set[tuple[str, str, str]]) -> None:
    key = (state.display, notice.code, notice.message)
    if key in seen:
        return
    seen.add(key)
    line, column = _position(state, notice.offset)
    outcome.messages.append(Message(state.display, line, column, notice.code, notice.message, notice.severity))


def _position(state: FileState, offset: int | None) -> tuple[int, int]:
    """Line and column, in the file as it is on disk, of an offset into the current text."""
    if offset is None or state.document is None:
        return 1, 1
    offset = max(0, min(offset, len(state.text)))
    for edits in reversed(state.history):
        offset = _before_edits(offset, edits)
    starts = state.original_starts() if state.history and state.original is not None else state.line_starts()
    line = bisect.bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


def _before_edits(offset: int, edits: tuple[Edit, ...]) -> int:
    """Where an offset of the edited text was before the edits (an insertion maps to its start)."""
    shift = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        start = edit.start + shift
        if offset < start:
            break
        if offset < start + len(edit.replacement):
            return edit.start
        shift += len(edit.replacement) - (edit.end - edit.start)
    return offset - shift


def _check_suppressions(states: dict[Path, FileState], outcome: Outcome) -> None:
    """A suppression that names no fix is a typo that silently suppresses nothing: say so."""
    from dockwright.transforms import all_rules

    known = {r.code for r in all_rules()}
    for state in states.values():
        for match in SUPPRESSION.finditer(state.text):
            unknown = [c.strip().upper() for c in (match.group(1) or "").split(",") if c.strip() and c.strip().upper() not in known]
            if unknown:
                line, column = _position(state, match.start())
                outcome.messages.append(Message(state.display, line, column, "", f"# dockwright: ignore names no fix: {', '.join(unknown)}", "warning"))


def _suppressed(state: FileState, fix: Fix) -> bool:
    document = state.document
    if document is None:
        return False
    lines = set(getattr(document, "owner_lines", lambda path: [])(fix.path))
    starts = state.line_starts()
    lines.add(bisect.bisect_right(starts, max(0, min(fix.offset, len(state.text)))))
    return any(suppresses(_line(state.text, starts, line), fix.code) for line in lines)


def _line(text: str, starts: list[int], number: int) -> str:
    if not 1 <= number <= len(starts):
        return ""
    end = starts[number] - 1 if number < len(starts) else len(text)
    return text[starts[number - 1] : end]


def _apply_pass(fixes: list[tuple[FileState, Fix]], states, config, outcome) -> bool:
    """Apply one pass of non-overlapping fixes. Returns whether anything was applied."""
    accepted: dict[int, list[Fix]] = {}
    by_id: dict[int, FileState] = {}
    contended: set[int] = set()
    taken_by: dict[int, _Taken] = {}
    for state, fix in fixes:
        chosen = accepted.setdefault(id(state), [])
        by_id[id(state)] = state
        if fix.creates and (state.original is not None or state.text or any(f.creates for f in chosen)):
            continue  # an earlier fix already creates (or created) this file
        taken = taken_by.setdefault(id(state), _Taken())
        clashes = [(a, b) for a in fix.edits for b in taken.overlapping(a)]
        if all(_same_point_insertions(a, b) for a, b in clashes):
            taken.add(fix.edits)
            # Two fixes appending at one place (say, two keys at the end of a service) can
            # share a pass; if their order turns out wrong, verification defers the later one.
            if clashes:
                contended.add(id(fix))
            chosen.append(fix)
    _drop_incomplete_groups(fixes, accepted)
    refused_groups: set[str] = set()
    results: dict[int, tuple[Any, str, list[Fix]]] = {}
    while True:
        results.clear()
        for key, chosen in accepted.items():
            state = by_id[key]
            chosen = [f for f in chosen if f.group is None or f.group not in refused_groups]
            document, text, kept = _verified(state, chosen, outcome, refused_groups, contended)
            results[key] = (document, text, kept)
        still = {f.group for _, _, kept in results.values() for f in kept if f.group in refused_groups}
        if not still:
            break
    applied = False
    for key, (document, text, kept) in results.items():
        state = by_id[key]
        if kept and text != state.text:
            state.applied.extend(Applied(f, *_position(state, f.offset)) for f in kept)
            state.history.append(tuple(e for f in kept for e in f.edits))
            state.document = document
            if state.original is None and state.kind == "new":
                state.source = Source(text=text, bom=False, newline="\n")
            applied = True
    return applied


def _drop_incomplete_groups(fixes: list[tuple[FileState, Fix]], accepted: dict[int, list[Fix]]) -> None:
    wanted: dict[str, int] = {}
    for _, fix in fixes:
        if fix.group:
            wanted[fix.group] = wanted.get(fix.group, 0) + 1
    have: dict[str, int] = {}
    for chosen in accepted.values():
        for fix in chosen:
            if fix.group:
                have[fix.group] = have.get(fix.group, 0) + 1
    partial = {g for g, n in wanted.items() if have.get(g, 0) != n}
    for key, chosen in accepted.items():
        accepted[key] = [f for f in chosen if f.group not in partial]


class _Taken:
    """The edits accepted for one file in a pass, sorted, so that a clash is a bisect away."""

    def __init__(self) -> None:
        self.edits: list[Edit] = []
        self.starts: list[int] = []

    def add(self, edits: tuple[Edit, ...]) -> None:
        for edit in edits:
            index = bisect.bisect_right(self.starts, edit.start)
            self.starts.insert(index, edit.start)
            self.edits.insert(index, edit)

    def overlapping(self, edit: Edit) -> list[Edit]:
        # accepted edits never overlap each other, so only neighbours of edit.start can clash
        index = max(0, bisect.bisect_left(self.starts, edit.start) - 1)
        found = []
        while index < len(self.edits) and self.edits[index].start <= edit.end:
            if self.edits[index].overlaps(edit):
                found.append(self.edits[index])
            index += 1
        return found


def _same_point_insertions(a: Edit, b: Edit) -> bool:
    return a.start == a.end == b.start == b.end


def _verified(state: FileState, chosen: list[Fix], outcome: Outcome, refused_groups: set[str], contended: set[int]):
    """Apply the fixes; keep the largest prefix-compatible set whose output verifies.

    A fix that only failed beside another fix's insertion at the same point is left for
    the next pass, where it runs on the other fix's output; any other failure refuses it.
    """
    if not chosen:
        return state.document, state.text, []
    result = _try(state, chosen)
    if isinstance(result, tuple):
        return result[0], result[1], chosen
    kept: list[Fix] = []
    current = (state.document, state.text)
    for fix in chosen:
        attempt = _try(state, [*kept, fix])
        if isinstance(attempt, tuple):
            kept.append(fix)
            current = attempt
            continue
        if fix.group:
            refused_groups.add(fix.group)
        if id(fix) in contended:
            continue
        line, column = _position(state, fix.offset)
        outcome.messages.append(Message(state.display, line, column, fix.code, f"fix refused, file left as it was: {attempt}", "error"))
    return current[0], current[1], kept


def _try(state: FileState, fixes: list[Fix]) -> tuple[Any, str] | str:
    edits: list[Edit] = [e for f in fixes for e in f.edits]
    try:
        text = apply_edits(state.text, edits, join_insertions=True)
    except EditConflict as conflict:
        return str(conflict)
    changes = [c for f in fixes for c in f.changes]
    kind = state.kind if state.kind != "new" else ("yaml" if discover.is_yaml_name(state.path.name) else "text")
    try:
        return verify_document(kind, state.document, state.display, state.source, text, changes)
    except RecursionError:
        return "the output is nested too deeply to check"


def write_atomic(path: Path, data: bytes) -> None:
    """Temp file + rename, keeping mode and owner. A symlink is written through to its
    target; a file with other hard links is rewritten in place so that the links stay one file."""
    path = Path(os.path.realpath(path))
    if path.exists() and path.stat().st_nlink > 1:
        with open(path, "r+b") as stream:
            stream.write(data)
            stream.truncate()
        return
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    mode = None
    owner = None
    if path.exists():
        info = path.stat()
        mode, owner = info.st_mode & 0o7777, (info.st_uid, info.st_gid)
    else:
        # A created file (.dockerignore) gets the mode any new file gets, not mkstemp's 0600.
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".dockwright", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        if owner is not None and hasattr(os, "chown"):
            try:
                os.chown(temporary, *owner)
            except PermissionError:
                pass
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
