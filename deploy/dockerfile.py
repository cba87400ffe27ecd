"""Read a Dockerfile and a .dockerignore: enough to check the image without building it.

Only what the checks need: instructions by stage (continuation lines joined, comments dropped, the
stage's base image with global ARG defaults substituted), exec-form arguments, the sources of each
COPY, and the build context's ignore rules as Docker applies them (last matching pattern wins, a
path is ignored when it or a parent folder matches, `!` re-includes).
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Dockerfile", "Instruction", "Stage", "dockerfile_problems", "ignored", "read_dockerignore"]

_ARG_REFERENCE = re.compile(r"\$\{?(\w+)\}?")
_ROOT_USERS = frozenset({"root", "0", "root:root", "0:0"})


@dataclass(frozen=True, slots=True)
class Instruction:
    """One instruction: its keyword upper-cased, the rest of its logical line, and its first line number."""

    keyword: str
    arguments: str
    line: int

    def exec_form(self) -> list[str] | None:
        """Return the JSON array of an exec-form instruction (`["leanbus"]`), or None for the shell form."""
        text = self.arguments.strip()
        if not text.startswith("["):
            return None
        value = json.loads(text)
        return [str(item) for item in value] if isinstance(value, list) else None

    def options_and_rest(self) -> tuple[dict[str, str], str]:
        """Split leading `--name=value` options (`COPY --from=builder ...`) from what follows them."""
        options: dict[str, str] = {}
        rest = self.arguments.strip()
        while rest.startswith("--"):
            option, _, rest = rest.partition(" ")
            name, _, value = option[2:].partition("=")
            options[name] = value
            rest = rest.strip()
        return options, rest


@dataclass(slots=True)
class Stage:
    """A build stage: `FROM <base> [AS <name>]` and the instructions up to the next FROM."""

    base: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def last(self, keyword: str) -> Instruction | None:
        """Return the stage's last instruction with that keyword (the one Docker applies), if any."""
        found = [instruction for instruction in self.instructions if instruction.keyword == keyword]
        return found[-1] if found else None

    def all(self, keyword: str) -> list[Instruction]:
        """Return every instruction of the stage with that keyword, in order."""
        return [instruction for instruction in self.instructions if instruction.keyword == keyword]


@dataclass(slots=True)
class Dockerfile:
    """The stages of a Dockerfile, in order; the last is the image that ships."""

    stages: list[Stage]

    @classmethod
    def read(cls, path: Path) -> Dockerfile:
        """Parse the file at `path`."""
        return cls.parse(path.read_text())

    @classmethod
    def parse(cls, text: str) -> Dockerfile:
        """Parse Dockerfile text."""
        global_args: dict[str, str] = {}
        stages: list[Stage] = []
        for instruction in _instructions(text):
            if instruction.keyword == "FROM":
                stages.append(_stage(instruction.arguments, global_args))
            elif not stages and instruction.keyword == "ARG":
                name, _, default = instruction.arguments.strip().partition("=")
                global_args[name] = default
            elif stages:
                stages[-1].instructions.append(instruction)
        return cls(stages)

    @property
    def final(self) -> Stage:
        """Return the last stage: the image `docker build` tags."""
        return self.stages[-1]

    def entrypoint(self) -> list[str]:
        """Return the final stage's ENTRYPOINT in exec form (empty when unset)."""
        return _exec_form_of(self.final.last("ENTRYPOINT"))

    def cmd(self) -> list[str]:
        """Return the final stage's CMD in exec form (empty when unset)."""
        return _exec_form_of(self.final.last("CMD"))

    def healthcheck(self) -> list[str]:
        """Return the final stage's HEALTHCHECK command in exec form (empty when unset or NONE)."""
        instruction = self.final.last("HEALTHCHECK")
        if instruction is None:
            return []
        _, rest = instruction.options_and_rest()
        keyword, _, command = rest.partition(" ")
        if keyword.upper() != "CMD":
            return []
        return _exec_form_of(Instruction("CMD", command, instruction.line))


def _exec_form_of(instruction: Instruction | None) -> list[str]:
    if instruction is None:
        return []
    form = instruction.exec_form()
    return form if form is not None else ["/bin/sh", "-c", instruction.arguments.strip()]


def _instructions(text: str) -> list[Instruction]:
    instructions: list[Instruction] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue  # a comment inside a continued instruction is dropped, as Docker does
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending.append(stripped[:-1].strip())
            continue
        pending.append(stripped)
        keyword, _, arguments = " ".join(part for part in pending if part).partition(" ")
        instructions.append(Instruction(keyword.upper(), arguments.strip(), start))
        pending = []
    return instructions


def _stage(arguments: str, global_args: dict[str, str]) -> Stage:
    words = arguments.split()
    words = [word for word in words if not word.startswith("--")]  # --platform=...
    base = _ARG_REFERENCE.sub(lambda found: global_args.get(found.group(1), found.group(0)), words[0])
    name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
    return Stage(base, name)


def read_dockerignore(path: Path) -> list[str]:
    """Return the patterns of a .dockerignore (none when the file is absent)."""
    if not path.is_file():
        return []
    lines = (line.strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def ignored(relative_path: str, patterns: list[str]) -> bool:
    """Tell whether Docker leaves `relative_path` (inside the build context) out of the context."""
    parts = Path(relative_path).parts
    candidates = ["/".join(parts[:index]) for index in range(1, len(parts) + 1)]
    excluded = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        expression = _pattern_regex(pattern.removeprefix("!"))
        if any(expression.fullmatch(candidate) for candidate in candidates):
            excluded = not negated
    return excluded


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    cleaned = pattern.strip().strip("/")
    if cleaned.startswith("./"):
        cleaned = cleaned[2:]
    regex = ""
    index = 0
    while index < len(cleaned):
        if cleaned.startswith("**/", index):
            regex, index = regex + "(?:.*/)?", index + 3
        elif cleaned.startswith("**", index):
            regex, index = regex + ".*", index + 2
        elif cleaned[index] == "*":
            regex, index = regex + "[^/]*", index + 1
        elif cleaned[index] == "?":
            regex, index = regex + "[^/]", index + 1
        else:
            regex, index = regex + re.escape(cleaned[index]), index + 1
    return re.compile(regex)


def dockerfile_problems(dockerfile: Dockerfile, context: Path) -> list[str]:
    """Return what is wrong with an image meant to ship: empty when it is multi-stage, runs as a user
    other than root, has a HEALTHCHECK and an ENTRYPOINT, and COPYs only what exists in the context."""
    problems: list[str] = []
    final = dockerfile.final
    if len(dockerfile.stages) < 2 or not any("from" in c.options_and_rest()[0] for c in final.all("COPY")):
        problems.append("not multi-stage: the final stage copies nothing from a build stage")
    user = final.last("USER")
    if user is None or user.arguments.strip() in _ROOT_USERS:
        problems.append("the final stage runs as root: give it a USER")
    if not dockerfile.healthcheck():
        problems.append("the final stage has no HEALTHCHECK command")
    if not dockerfile.entrypoint():
        problems.append("the final stage has no ENTRYPOINT")
    patterns = read_dockerignore(context / ".dockerignore")
    for stage in dockerfile.stages:
        for copy in stage.all("COPY") + stage.all("ADD"):
            problems += _copy_problems(copy, context, patterns)
    return problems


def _copy_problems(copy: Instruction, context: Path, patterns: list[str]) -> list[str]:
    options, rest = copy.options_and_rest()
    if "from" in options:
        return []
    words = Instruction(copy.keyword, rest, copy.line).exec_form() or shlex.split(rest)
    problems = []
    for source in words[:-1]:
        where = f"line {copy.line}: {copy.keyword} {source}"
        if not (context / source).exists():
            problems.append(f"{where}: not in the build context {context}")
        elif ignored(source, patterns):
            problems.append(f"{where}: left out of the build context by .dockerignore")
    return problems
