"""The example that `dockwright explain` prints is real: the fix turns its before into its after."""
from __future__ import annotations

import re

import pytest

from dockwright import engine
from dockwright.transforms import all_rules

EXPLAINED = {r.code: r for r in all_rules() if r.kind == "compose"}


def _example(rule) -> tuple[str, str] | None:
    block = re.search(r"```yaml\n(.*?)```", rule.section("Example"), re.S)
    if block is None or "# after" not in block.group(1):
        return None
    before, after = block.group(1).split("# after", 1)
    strip = lambda text: "\n".join(l for l in text.splitlines() if not l.startswith("# ")).strip() + "\n"  # noqa: E731
    return strip(before), strip(after.split("\n", 1)[1])


@pytest.mark.parametrize("code", ["DW101", "DW103", "DW105"])
def test_explained_example_is_what_the_fix_does(code: str) -> None:
    rule = EXPLAINED[code]
    example = _example(rule)
    assert example is not None, f"{code}: the example needs '# before' and '# after' parts"
    before, after = example
    output, outcome = engine.fix_text(before.encode(), "docker-compose.dev.yml", [rule], env="dev")
    assert output.decode() == after, [str(m) for m in outcome.messages]
