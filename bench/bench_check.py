"""Speed targets, as ratios measured in one run on one machine.

1. ``dockwright check`` over the corpus vs a bare ruamel.yaml round-trip load of the
   same files (each in its own process, best of N). Target: ratio <= 2.
2. Start-up overhead: ``dockwright --version`` minus ``python -c pass``. Target: <= 120 ms.

Usage: python bench/bench_check.py [CORPUS_DIR] [--repeat N]
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
BASELINE = """
import sys
from pathlib import Path
from ruamel.yaml import YAML
yaml = YAML(typ="rt", pure=True)
for path in sorted(Path(sys.argv[1]).rglob("*")):
    if path.suffix in (".yml", ".yaml"):
        try:
            list(yaml.load_all(path.read_text(encoding="utf-8")))
        except Exception:
            pass
"""


def best_of(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as scratch:
        corpus = Path(scratch) / "corpus"
        shutil.copytree(args.corpus, corpus)
        files = sum(1 for p in corpus.rglob("*") if p.suffix in (".yml", ".yaml"))
        baseline = best_of([python, "-c", BASELINE, str(corpus)], args.repeat)
        check = best_of([python, "-m", "dockwright", "check", str(corpus)], args.repeat)
    empty = best_of([python, "-c", "pass"], args.repeat * 3)
    version = best_of([python, "-m", "dockwright", "--version"], args.repeat * 3)
    example = ROOT / "examples" / "agent-platform" / "docker-compose.yml"
    one_file = best_of([python, "-m", "dockwright", "check", str(example)], args.repeat * 3)
    overhead_ms = (version - empty) * 1000
    ratio = check / baseline
    print(f"corpus: {files} YAML files")
    print(f"ruamel round-trip load: {baseline:.2f} s   dockwright check: {check:.2f} s   ratio: {ratio:.2f} (target <= 2)")
    print(f"start-up: python -c pass {empty * 1000:.0f} ms, dockwright --version {version * 1000:.0f} ms, overhead {overhead_ms:.0f} ms (target <= 120)")
    print(f"a pre-commit style run, dockwright check on one compose file (every fix loaded): {(one_file - empty) * 1000:.0f} ms over python -c pass (not a target)")
    sys.exit(0 if ratio <= 2 and overhead_ms <= 120 else 1)


if __name__ == "__main__":
    main()
