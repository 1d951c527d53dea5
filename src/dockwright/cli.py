"""The command line: fix, check, rules, explain."""
from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from dockwright import __version__

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Production-readiness fixes for Dockerfiles, Compose and monitoring configs, as minimal verified diffs.",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class Format(str, Enum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


class UsageError(Exception):
    pass


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dockwright {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """dockwright: fixes nobody else does, diffs that touch only what must change."""


def parse_phases(text: Optional[str]) -> Optional[frozenset[int]]:
    """``1``, ``1,2`` or ``1-3``."""
    if not text:
        return None
    phases: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        try:
            if "-" in part:
                low, high = (int(x) for x in part.split("-", 1))
                if low > high:
                    raise ValueError
                phases.update(range(low, high + 1))
            else:
                phases.add(int(part))
        except ValueError:
            raise UsageError(f"--phase: cannot read {part!r}; use 1, 1,2 or 1-3") from None
    if not phases <= {1, 2, 3, 4, 5}:
        raise UsageError(f"--phase: phases are 1 to 5, got {text!r}")
    return frozenset(phases)


def _split(values: Optional[List[str]]) -> tuple[str, ...]:
    return tuple(v.strip() for value in values or () for v in value.split(",") if v.strip())


def _execute(paths: List[Path], *, dry_run: bool, phase: Optional[str], select: Optional[List[str]], ignore: Optional[List[str]], unsafe_fixes: bool, output: Format, show_diff: bool) -> int:
    from dockwright import engine
    from dockwright.config import load_config
    from dockwright.documents.source import Problem
    from dockwright.transforms import all_rules

    paths = paths or [Path(".")]
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or directory: {missing[0]}")
    try:
        config = load_config(paths[0])
    except Problem as problem:
        raise UsageError(f"configuration: {problem.message}") from None
    rules = all_rules()
    selectors = _split(select) + _split(ignore) + config.select + config.ignore
    unknown = engine.unknown_selectors(rules, selectors)
    if unknown:
        raise UsageError(f"unknown fix {unknown[0]!r}; `dockwright rules` lists them")
    options = engine.Options(select=_split(select), ignore=_split(ignore), phases=parse_phases(phase), unsafe_fixes=unsafe_fixes, write=not dry_run)
    chosen = engine.select_rules(rules, options, config)
    if not chosen:
        phases = ", ".join(str(p) for p in sorted({r.phase for r in rules}))
        sys.stderr.write(f"dockwright: no fix matches this --phase/--select/--ignore; `dockwright rules` lists them (phases with fixes: {phases})\n")
    outcome = engine.run(paths, chosen, config, options)
    _report(outcome, dry_run=dry_run, output=output, show_diff=show_diff, rules=chosen)
    return outcome.exit_code


def _report(outcome, *, dry_run: bool, output: Format, show_diff: bool, rules=()) -> None:
    from dockwright.report.diff import masked, unified_diff

    if output is Format.json:
        from dockwright.report import json_report

        sys.stdout.write(json_report.render(outcome, dry_run=dry_run) + "\n")
        return
    if output is Format.sarif:
        from dockwright.report import sarif

        sys.stdout.write(sarif.render(outcome, list(rules), dry_run=dry_run) + "\n")
        return
    if output is Format.github:
        from dockwright.report import github

        sys.stdout.write(github.render(outcome, dry_run=dry_run))
        return
    for message in outcome.messages:
        sys.stderr.write(f"{message}\n")
    for result in outcome.changed:
        if show_diff:
            sys.stdout.write(masked(unified_diff(result.before, result.after, result.display, created=result.created), result.redact))
            if result.redact:
                sys.stderr.write(f"{result.display}: secret values are masked as **** in this diff, so it will not apply with git apply; `dockwright fix` writes the file\n")
        elif not dry_run:
            sys.stderr.write(f"Rewriting {result.display}\n")
        for applied in result.fixes:
            sys.stderr.write(f"{result.display}:{applied.line}:{applied.column}: {applied.code} {applied.message}\n")
    if show_diff and any(r.display.startswith("../") for r in outcome.changed):
        sys.stderr.write("dockwright: some paths are outside the current folder; git apply skips them, so run from the repository root to apply the diff\n")
    fixes = sum(len(r.fixes) for r in outcome.changed)
    files = len(outcome.changed)
    errors = sum(1 for m in outcome.messages if m.severity == "error")
    verb = "would apply" if dry_run else "applied"
    summary = f"dockwright: {verb} {fixes} fix{'es' if fixes != 1 else ''} in {files} file{'s' if files != 1 else ''}"
    if errors:
        summary += f"; {errors} error{'s' if errors != 1 else ''}"
    sys.stderr.write(summary + "\n")


PATHS = typer.Argument(None, help="Files or folders (default: the current folder).", show_default=False)
PHASE = typer.Option(None, "--phase", help="Only fixes of these phases: 1, 1,2 or 1-3.")
SELECT = typer.Option(None, "--select", help="Only these fixes (codes, code prefixes or names; comma-separated).")
IGNORE = typer.Option(None, "--ignore", help="Never these fixes (codes, code prefixes or names).")
UNSAFE = typer.Option(False, "--unsafe-fixes", help="Also apply fixes that may change behaviour a user relies on.")
FORMAT = typer.Option(Format.text, "--format", help="Output format.", case_sensitive=False)


@app.command()
def fix(
    paths: Optional[List[Path]] = PATHS,
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the unified diff on stdout; write nothing."),
    phase: Optional[str] = PHASE,
    select: Optional[List[str]] = SELECT,
    ignore: Optional[List[str]] = IGNORE,
    unsafe_fixes: bool = UNSAFE,
    output: Format = FORMAT,
) -> None:
    """Apply fixes in place (exit 1 when a file changed), or show them with --dry-run."""
    raise typer.Exit(_guarded(lambda: _execute(paths or [], dry_run=dry_run, phase=phase, select=select, ignore=ignore, unsafe_fixes=unsafe_fixes, output=output, show_diff=dry_run)))


@app.command()
def check(
    paths: Optional[List[Path]] = PATHS,
    phase: Optional[str] = PHASE,
    select: Optional[List[str]] = SELECT,
    ignore: Optional[List[str]] = IGNORE,
    unsafe_fixes: bool = UNSAFE,
    output: Format = FORMAT,
) -> None:
    """Report what fix would change, without a diff; exit 1 when anything would."""
    raise typer.Exit(_guarded(lambda: _execute(paths or [], dry_run=True, phase=phase, select=select, ignore=ignore, unsafe_fixes=unsafe_fixes, output=output, show_diff=False)))


@app.command()
def rules(output: Format = FORMAT) -> None:
    """List every fix: code, name, phase, file kind, safety."""
    from dockwright.transforms import all_rules

    table = all_rules()
    if output is Format.json:
        import json

        rows = [{"code": r.code, "name": r.name, "phase": r.phase, "kind": r.kind, "files": r.files, "applicability": r.applicability.value, "title": r.title} for r in table]
        typer.echo(json.dumps(rows, indent=2))
        return
    typer.echo(rules_table(table))


def rules_table(table) -> str:
    rows = [("code", "name", "phase", "files", "safety", "fix")]
    rows += [(r.code, r.name, str(r.phase), r.files, r.applicability.value, r.title) for r in table]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1])
    return "\n".join(lines)


@app.command()
def explain(code: str = typer.Argument(..., help="A fix code such as DW101, or its name.")) -> None:
    """Show a fix's documentation: what it does, why, an example, its safety and options."""
    from dockwright.transforms import all_rules

    for rule in all_rules():
        if code.upper() == rule.code or code == rule.name:
            typer.echo(f"{rule.code} {rule.name} (phase {rule.phase}, {rule.files}, {rule.applicability.value})\n")
            typer.echo(rule.doc.strip())
            return
    sys.stderr.write(f"dockwright: unknown fix {code!r}; `dockwright rules` lists them\n")
    raise typer.Exit(2)


def _guarded(action) -> int:
    """The one top-level handler: failures become a message and exit 2, never a traceback."""
    try:
        return action()
    except UsageError as error:
        sys.stderr.write(f"dockwright: {error}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - the last line of defence for a hook
        sys.stderr.write(f"dockwright: internal error: {type(error).__name__}: {error} (please report it)\n")
        return 2


def run() -> None:
    app(prog_name="dockwright")
