"""Move Alertmanager secrets out of `${VAR}` placeholders into `*_file` fields fed by compose secrets.

## What it does
Finds `${VAR}`, `$VAR` (upper-case names) and `${VAR:-default}` in every string of an Alertmanager config
(the file with `route:` and `receivers:`). For a field that has a `*_file` twin in the
Alertmanager version that runs the file (read from the image tag of the compose service
that mounts it; `latest` or no tag counts as the newest release), it rewrites
`field: ${VAR}` to `field_file: /run/secrets/<var>` in place, keeping comments and
quoting. In the compose file it adds a top-level secret per variable whose source is
the environment variable, lists the secret under the Alertmanager service, and removes
the service's `environment:` entries that only passed those variables through.

Placeholders in fields without a `*_file` twin (`smtp_smarthost`, `smtp_from`, an email
`to`, a Slack `channel`, ...), in a field the pinned version lacks, or inside a longer
string are reported with their line.

## Why
Alertmanager never expands environment variables in its config file. A `${SLACK_WEBHOOK_URL}`
in a URL field stops it at load; a `${TELEGRAM_BOT_TOKEN}` or `${SMTP_PASSWORD}` in a
token or password field is taken literally, passes `amtool check-config`, and fails only
when the first alert should go out.

## Example
```yaml
# alertmanager.yml, before
receivers:
  - name: oncall
    telegram_configs:
      - bot_token: ${TELEGRAM_BOT_TOKEN}
        chat_id: -1001234567890
# after
receivers:
  - name: oncall
    telegram_configs:
      - bot_token_file: /run/secrets/telegram_bot_token
        chat_id: -1001234567890
# docker-compose.yml, after
services:
  alertmanager:
    image: prom/alertmanager:v0.27.0
    secrets:
      - telegram_bot_token
secrets:
  telegram_bot_token:
    environment: TELEGRAM_BOT_TOKEN
```

## Fix safety
Safe: the value Alertmanager reads is the one the placeholder named, now actually
delivered. Compose >= 2.23 reads `environment:` secrets; for older Compose set
`secret_source = "file"`. Nothing is changed when no compose service mounts the file
(there would be nothing to feed the secret file), when the service is defined by a
shared anchor, or when a top-level secret of that name already has another source.
With `--unsafe-fixes`, when placeholders remain in fields without a `*_file` form, the
whole config moves into the compose file as `configs: alertmanager_config: content: |`
(Compose >= 2.23.1), mounted where the file was. Compose interpolates the placeholders
from the shell and the project's `.env` at start-up; every other `$` (Go templates such
as `{{ $labels.x }}`) is written `$$`. It is unsafe because the config then lives in
the compose file: the old file stays on disk, unused.
Secret values are never read: only variable names appear in messages and output.

## Options
```toml
[tool.dockwright.DW104]
secret_source = "file"   # `file: ./secrets/<name>` instead of `environment: VAR` (Compose < 2.23)
```
"""
from __future__ import annotations

from typing import Any, Iterator

from dockwright.documents import compose
from dockwright.documents.yaml import YamlDocument
from dockwright.edits import Edit
from dockwright.fixes import DELETE, Applicability, Change, Fix, Notice, Rule
from dockwright.transforms._monitoring import Runner, runners, value_text
from dockwright.transforms._monitoring_placeholders import Finding, findings, oldest_image, rendered_by_compose, secret_name
from dockwright.transforms._monitoring_secrets import wire_secrets
from dockwright.transforms._monitoring_template import render_through_configs

CODE = "DW104"
SECRETS_DIR = "/run/secrets"


def check(project: Any, context: Any) -> Iterator[Fix | Notice]:
    for doc in project.documents("alertmanager"):
        yield from _check_config(project, doc, context.options)


def _check_config(project: Any, doc: YamlDocument, options: dict[str, Any]) -> Iterator[Fix | Notice]:
    running = runners(project, doc.path, "alertmanager")
    image, version, known = oldest_image(running)
    found = list(findings(doc, version, image or "unknown"))
    if not found or (not running and rendered_by_compose(project)):
        return  # nothing to do, or the unsafe fix already moved the config into compose
    if not running:
        for finding in found:
            yield _notice(doc, finding, "no compose service mounts this file, so there is no secret to wire; use a *_file field with a mounted file")
        return
    if not known or compose.image_tag(image) in (None, "latest"):
        how = "cannot read the Alertmanager version from" if not known else "no pinned version in"
        yield Notice(CODE, f"{how} image {image!r}; assuming the newest release (pin the image so that the *_file fields stay valid)", 0, file=doc.path, severity="info")
    for finding in found:
        if not finding.movable:
            yield _notice(doc, finding, finding.reason)
    movable = [f for f in found if f.movable]
    if len({id(r.doc) for r in running}) < len(running):
        names = ", ".join(r.service.name for r in running)
        yield Notice(CODE, f"the file is mounted by several services of one compose file ({names}); wire the secrets by hand", 0, file=doc.path)
    elif movable:
        yield from _move(doc, running, movable, options)
    else:
        yield from render_through_configs(doc, running[0], [f for f in found if not f.movable], code=CODE)


def _notice(doc: YamlDocument, finding: Finding, reason: str) -> Notice:
    message = f"{finding.where} uses {finding.names}, which Alertmanager never expands; {reason}"
    return Notice(CODE, message, finding.value.start, finding.path, file=doc.path)


def _move(doc: YamlDocument, running: list[Runner], movable: list[Finding], options: dict[str, Any]) -> Iterator[Fix | Notice]:
    secrets = {secret_name(f.variable): f.variable for f in movable}
    source = str(options.get("secret_source", "environment"))
    wirings = [(runner, wire_secrets(runner.doc, runner.service, secrets, source=source)) for runner in running]
    for runner, wiring in wirings:
        if wiring.reason:
            yield Notice(CODE, f"secrets not moved: {wiring.reason}", runner.service.key.start, file=runner.doc.path)
            return
        for note in _notes(runner, wiring.notes, source):
            yield Notice(CODE, note, runner.service.key.start, file=runner.doc.path, severity="info")
    for finding in movable:
        if finding.found[0].has_default:
            message = f"{finding.where}: the default in the placeholder of {finding.variable} is not carried over; the secret needs {finding.variable} set"
            yield Notice(CODE, message, finding.value.start, finding.path, file=doc.path, severity="info")
    group = f"{CODE}:{doc.path}"
    yield _config_fix(doc, movable, group)
    for runner, wiring in wirings:
        message = f"{runner.service.name}: add secrets {', '.join(secrets)} from the {'environment' if source != 'file' else 'files in ./secrets'}"
        yield Fix(CODE, message, wiring.edits, wiring.changes, runner.service.key.start, file=runner.doc.path, group=group)


def _notes(runner: Runner, notes: tuple[str, ...], source: str) -> list[str]:
    if "env_file" in runner.service.data and source != "file":
        # Compose reads `environment:` secrets from the shell and the project's .env,
        # never from a service's env_file.
        notes = (*notes, f"{runner.service.name}: the secrets come from the shell or the project's .env, not from env_file")
    return list(notes)


def _config_fix(doc: YamlDocument, movable: list[Finding], group: str) -> Fix:
    """One fix for the whole config: it applies together with the compose wiring."""
    edits: list[Edit] = []
    changes: list[Change] = []
    for finding in movable:
        edits.extend(_rename(doc, finding))
        target = f"{SECRETS_DIR}/{secret_name(finding.variable)}"
        changes += [Change(finding.path, DELETE), Change((*finding.path[:-1], finding.file_field.file_field), target)]
    fields = ", ".join(f.where for f in movable)
    message = f"read {fields} from secret files instead of ${{VAR}} placeholders"
    return Fix(CODE, message, tuple(edits), tuple(changes), movable[0].value.start, file=doc.path, group=group)


def _rename(doc: YamlDocument, finding: Finding) -> list[Edit]:
    key, value = finding.key, finding.value
    new_key = finding.file_field.file_field
    key_text = value_text(doc, key, new_key) if key.style in ("'", '"') else new_key
    target = f"{SECRETS_DIR}/{secret_name(finding.variable)}"
    return [Edit(key.start, key.end, key_text), Edit(value.start, value.end, value_text(doc, value, target))]


RULE = Rule(
    code=CODE,
    name="alertmanager-env-placeholders",
    phase=1,
    kind="project",
    applicability=Applicability.SAFE,
    title="Move Alertmanager ${VAR} secrets to *_file fields and compose secrets",
    check=check,
    doc=__doc__ or "",
    options={"reads": ("alertmanager", "compose")},
)
