"""`leanbus schema`: a JSON Schema document naming every wire message, on stdout or as files."""

from __future__ import annotations

import json
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

from lean_core.bus import codec

TAGS = sorted(kind.__name__ for kind in typing.get_args(codec.AnyMessage))


def _leanbus(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "services.launcher.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def _refs(node: Any) -> list[str]:
    """Every `$ref` in a schema document, at any depth."""
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def _assert_refs_resolve(document: dict[str, Any]) -> None:
    definitions = document["$defs"]
    for ref in _refs(document):
        assert ref.startswith("#/$defs/") and ref.removeprefix("#/$defs/") in definitions, ref


def test_schema_on_stdout_is_one_json_schema_with_every_message_tagged() -> None:
    done = _leanbus("schema")

    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert sorted(ref.removeprefix("#/$defs/") for ref in _refs(document["anyOf"])) == TAGS
    assert document["discriminator"]["propertyName"] == "type"
    for tag in TAGS:
        definition = document["$defs"][tag]
        assert definition["type"] == "object"
        assert definition["properties"]["type"] == {"enum": [tag]}
        assert "run_id" in definition["required"]
    _assert_refs_resolve(document)


def test_schema_output_writes_a_file_per_message_and_the_whole_document(tmp_path: Path) -> None:
    done = _leanbus("schema", "--output", str(tmp_path / "schema"))

    assert done.returncode == 0, done.stderr
    written = sorted(path.name for path in (tmp_path / "schema").iterdir())
    assert written == sorted([*(f"{tag}.json" for tag in TAGS), "leanbus-messages.json"])
    for tag in TAGS:
        document = json.loads((tmp_path / "schema" / f"{tag}.json").read_text())
        assert document["title"] == tag and document["$ref"] == f"#/$defs/{tag}"
        _assert_refs_resolve(document)
    whole = json.loads((tmp_path / "schema" / "leanbus-messages.json").read_text())
    assert set(whole["$defs"]) >= set(TAGS)
