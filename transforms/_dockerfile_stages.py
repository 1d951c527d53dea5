"""Reading a single-stage Node Dockerfile as the steps a multi-stage rewrite needs.

The reading is strict on purpose: every instruction must land in a known place
(system packages, package files, install, build, runtime settings, command). Any
instruction the reading cannot place is a reason not to rewrite, reported to the user.
"""
from __future__ import annotations

import re

from dockwright.fixes import SECRET_NAME_WORDS
from typing import Any

from dockwright.documents.dockerfile import DockerfileDocument, Instruction, Stage
from dockwright.transforms._dockerfile import image_parts, is_node_image, resolved_base
from dockwright.transforms._dockerfile_app import NEXT_CONFIGS, RUNTIME_KEYWORDS, SYSTEM_INSTALL, Block, NodeApp, NotUnderstood, block, only_chown
from dockwright.transforms._dockerfile_files import exists, found_path
from dockwright.transforms._dockerfile_node import package_json, resolve, script_name, workdir_at
from dockwright.transforms._dockerfile_run import find
from dockwright.transforms._dockerfile_shell import commands


SECRET_SETTING = re.compile(r"(?i)\b\w*(" + SECRET_NAME_WORDS + r")\w*(?:=|\s+)(?![\"']?\$)[\"']?[^\s\"'$]")


def read_node_app(doc: DockerfileDocument, context: Any) -> NodeApp:
    stage = _single_node_stage(doc)
    package = package_json(doc, context)
    if package is None:
        raise NotUnderstood("no package.json beside the Dockerfile")
    kind = _app_kind(package)
    cmd = stage.last("CMD")
    if cmd is None:
        raise NotUnderstood("the image has no CMD")
    workdirs = {i.args.text.strip() for i in stage.named("WORKDIR")}
    if len(workdirs) > 1:
        raise NotUnderstood("the stage changes its WORKDIR")
    app = NodeApp(kind, stage.base, workdir_at(stage) or "/app")
    _read_instructions(doc, stage, app)
    app.command = _start_command(cmd, package, app)
    _read_files(doc, context, app)
    _split_whole_context_copy(app)
    return app


def _split_whole_context_copy(app: NodeApp) -> None:
    """``COPY . .`` before the install: the install stages copy only the package files,
    so that a source change does not re-run the install; the whole copy moves to the build."""
    whole = [b for b in app.package_copies if "." in [w.rstrip("/") for w in _sources(b.instruction)]]
    if not whole:
        return
    first = whole[0]
    files = "package.json package-lock.json" if app.lockfile else "package.json"
    word = first.text.split(None, 1)[0]
    app.package_copies = [b for b in app.package_copies if b not in whole] + [Block(first.instruction, "", f"{word} {files} ./")]
    app.build = whole + app.build


def _sources(copy: Instruction) -> list[str]:
    words = [w for w in copy.args.text.split() if not w.startswith("--")]
    return words[:-1]


def _single_node_stage(doc: DockerfileDocument) -> Stage:
    if len(doc.stages) != 1:
        raise NotUnderstood("the file is not single-stage")
    stage = doc.stages[0]
    if not is_node_image(doc, stage):
        name = image_parts(resolved_base(doc, stage))[0] or stage.base
        raise NotUnderstood(f"only Node images are rewritten, and this one is {name!r} (Python, Go and others need a rewrite by hand)")
    if any(i.heredocs for i in stage.instructions):
        raise NotUnderstood("the file uses heredocs")
    if stage.instructions[0].flags():
        raise NotUnderstood("FROM has flags (--platform)")
    secret = next((i for i in stage.instructions if i.keyword in ("ENV", "ARG") and SECRET_SETTING.search(i.args.text)), None)
    if secret is not None:
        # The rewrite repeats settings in the runner: the diff would show the value again.
        raise NotUnderstood(f"line {secret.first_line} bakes a secret-looking value into the image; pass it at run time instead")
    return stage


def _app_kind(package: dict[str, Any]) -> str:
    scripts = package.get("scripts") if isinstance(package.get("scripts"), dict) else {}
    build = str(scripts.get("build", ""))
    deps = package.get("dependencies") if isinstance(package.get("dependencies"), dict) else {}
    if "next" in deps and "next build" in build:
        return "next"
    if re.search(r"\btsc\b", build):
        return "worker"
    raise NotUnderstood("package.json's build script is neither `next build` nor `tsc`")


def _read_instructions(doc: DockerfileDocument, stage: Stage, app: NodeApp) -> None:
    install = next((f.instruction for f in find(doc, r"npm\s+(?:-\S+\s+)*(?:install|i|ci)\b")), None)
    build = next((r for r in stage.named("RUN") if any(c.words[:3] in (["npm", "run", "build"], ["npm", "run-script", "build"]) for c in commands(r.args.text))), None)
    if install is None or build is None or build.index < install.index:
        raise NotUnderstood("no `npm install`/`npm ci` followed by `npm run build` was found")
    if build.index == install.index:
        raise NotUnderstood(f"line {build.first_line} installs and builds in one RUN; split it into an install RUN and a build RUN first")
    app.install = block(doc, install)
    app.install_flags = tuple(w for w in install.args.text.split() if w.startswith("-") and not re.match(r"--(production|only=|omit=)", w))
    for instruction in stage.instructions[1:]:
        _place(doc, app, instruction, install, build)


def _place(doc: DockerfileDocument, app: NodeApp, instruction: Instruction, install: Instruction, build: Instruction) -> None:
    keyword, item = instruction.keyword, block(doc, instruction)
    before_install, before_build = instruction.index < install.index, instruction.index <= build.index
    if instruction.index == install.index:
        return
    if keyword == "USER" or (keyword == "RUN" and only_chown(instruction)):
        return  # ownership and the user are the runner's business (as DW258 may have set them)
    if keyword in ("WORKDIR", "CMD"):
        setattr(app, "workdir_comments" if keyword == "WORKDIR" else "command_comments", item.comments)
        return
    if keyword in ("ENV", "ARG"):
        _place_setting(app, item, before_install, before_build)
    elif keyword == "RUN" and before_install and SYSTEM_INSTALL.search(instruction.args.text):
        app.system.append(item)
    elif keyword == "COPY" and before_install and "from" not in instruction.flags():
        app.package_copies.append(item)
    elif keyword in ("COPY", "RUN") and before_build and not before_install and "from" not in instruction.flags():
        app.build.append(item)
    elif keyword in RUNTIME_KEYWORDS:
        app.runtime.append(item)
    else:
        raise NotUnderstood(f"line {instruction.first_line} ({keyword}) has no clear place in a multi-stage build")


def _place_setting(app: NodeApp, item: Block, before_install: bool, before_build: bool) -> None:
    if "NODE_ENV" in item.instruction.args.text:
        app.user_env = True
        app.runtime.append(item)  # NODE_ENV=production before the install would drop the dev dependencies the build needs
        return
    if before_install:
        app.early_settings.append(item)
    elif before_build:
        app.build.append(item)
    # ENVs stay in the runner, which is what ran before; ARGs too, since an ENV may use them.
    app.runtime.append(Block(item.instruction, "" if before_build else item.comments, item.text))


def _without_js_comments(code: str) -> str:
    """next.config without ``// ...`` and ``/* ... */`` comments: a commented-out option is off."""
    code = re.sub(r"/\*.*?\*/", "", code, flags=re.S)
    return re.sub(r"(^|[^:'\"\\])//[^\n]*", r"\1", code)


def _start_command(cmd: Instruction, package: dict[str, Any], app: NodeApp) -> tuple[str, ...]:
    from dockwright.transforms.dockerfile_npm_start import _words

    words = _words(cmd) or []
    name = script_name(words)
    if name is not None:
        resolved = resolve(package, name, app.workdir)
        if not resolved.words:
            raise NotUnderstood(f"the start command cannot be resolved: {resolved.reason}")
        words = list(resolved.words)
    if app.kind == "worker" and (len(words) < 2 or words[0] != "node" or "/" not in words[1]):
        raise NotUnderstood("the worker's start command is not `node <build dir>/<file>`")
    return tuple(words)


def _read_files(doc: DockerfileDocument, context: Any, app: NodeApp) -> None:
    copied = " ".join(b.instruction.args.text for b in app.package_copies)
    app.lockfile = "package-lock.json" in copied or any(exists(doc, context, n) for n in ("package-lock.json", "npm-shrinkwrap.json"))
    if any(exists(doc, context, n) for n in ("yarn.lock", "pnpm-lock.yaml")) and not app.lockfile:
        raise NotUnderstood("the project uses yarn or pnpm; only npm projects are rewritten")
    app.public = exists(doc, context, "public")
    app.next_config = next((n for n in NEXT_CONFIGS if exists(doc, context, n)), None)
    config_path = found_path(doc, context, app.next_config) if app.next_config else None
    config_text = context.project.read_text(config_path) if config_path else None
    code = _without_js_comments(config_text or "")
    output = re.search(r"output\s*:\s*['\"](\w+)['\"]", code)
    if output and output.group(1) == "export":
        raise NotUnderstood("next.config sets output: 'export' (a static site); serve the out/ folder with a web server instead")
    app.standalone = bool(output and output.group(1) == "standalone")
    if app.kind == "worker":
        app.output = app.command[1].removeprefix("./").split("/", 1)[0]
