from __future__ import annotations

import sys


def main() -> None:
    # `--version` is on the pre-commit hot path; answer it before importing typer.
    if sys.argv[1:] == ["--version"]:
        from dockwright import __version__

        print(f"dockwright {__version__}")
        raise SystemExit(0)
    from dockwright.cli import run

    run()


if __name__ == "__main__":
    main()
