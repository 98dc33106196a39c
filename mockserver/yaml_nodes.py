"""Read a YAML file into plain data, remembering the line of every value and key.

PyYAML keeps the last of two equal mapping keys without a word; here that is a problem. Only the
safe loader is used: a tag it does not know is a problem, never a constructor call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mockserver.errors import FixtureProblem

JsonPath = tuple[str | int, ...]
"""Where a value sits in the document: mapping keys and list indexes from the top."""

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SEQUENCE_TAG = "tag:yaml.org,2002:seq"
_MAPPING_TAG = "tag:yaml.org,2002:map"


def format_path(path: Sequence[str | int]) -> str:
    """Spell a path as in the document: `users[3].phone` (the whole document: `top level`)."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text or "top level"


@dataclass(kw_only=True)
class Document:
    """Plain data read from YAML, with the node of every value and of every mapping key."""

    data: Any = None
    nodes: dict[JsonPath, yaml.Node] = field(default_factory=dict)
    key_nodes: dict[JsonPath, yaml.Node] = field(default_factory=dict)

    def line(self, path: Sequence[str | int]) -> int:
        """Return the 1-based line of the deepest node on `path` that exists."""
        path = tuple(path)
        while path and path not in self.nodes:
            path = path[:-1]
        node = self.nodes.get(path)
        return node.start_mark.line + 1 if node is not None else 1

    def key_line(self, path: Sequence[str | int]) -> int:
        """Return the line of the key that names `path`, else of the value's deepest node."""
        node = self.key_nodes.get(tuple(path))
        return node.start_mark.line + 1 if node is not None else self.line(path)

    def source(self, path: Sequence[str | int]) -> str | None:
        """Return a scalar as written in the file, or None when `path` is not a scalar."""
        node = self.nodes.get(tuple(path))
        return node.value if isinstance(node, yaml.ScalarNode) else None


def read_document(path: Path) -> tuple[Document | None, list[FixtureProblem]]:
    """Read `path` as UTF-8 YAML; the document is None when the file cannot be parsed at all."""
    file = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [FixtureProblem(file=file, line=1, message="file not found")]
    except OSError as error:
        return None, [FixtureProblem(file=file, line=1, message=f"cannot read: {error.strerror}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        message = f"byte 0x{raw[error.start]:02x} is not UTF-8; save the file as UTF-8"
        return None, [FixtureProblem(file=file, line=line, message=message)]
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        return None, [FixtureProblem(file=file, **_syntax_problem(error, text))]
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        message = f"YAML syntax: unacceptable character #x{error.character:04x}: {error.reason}"
        return None, [FixtureProblem(file=file, line=line, message=message)]
    builder = _Builder(file)
    document = Document()
    if root is not None:
        document.data = builder.build(root, (), document)
    return document, builder.problems


def _syntax_problem(error: yaml.MarkedYAMLError, text: str) -> dict[str, Any]:
    """Place a syntax error on the line that is most likely wrong and say what was expected."""
    mark = error.problem_mark
    context = error.context or ""
    if error.context_mark is not None and ("quoted" in context or "flow" in context):
        mark = error.context_mark
    message = f"YAML syntax: {error.problem}"
    if context and error.context_mark is not None:
        line = error.context_mark.line
        message += f" ({context})" if line == mark.line else f" ({context} from line {line + 1})"
    lines = text.splitlines() or [""]
    source = lines[min(error.problem_mark.line, len(lines) - 1)]
    if "\t" in source[: len(source) - len(source.lstrip())]:
        message += "; indent with spaces, YAML forbids tabs"
    return {"line": mark.line + 1, "message": message}


class _Builder:
    """Turn a node tree into plain data, filling a Document's node maps and noting problems."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[FixtureProblem] = []
        self.constructor = yaml.SafeLoader("")
        self.open: set[int] = set()

    def problem(self, node: yaml.Node, message: str) -> None:
        self.problems.append(
            FixtureProblem(file=self.file, line=node.start_mark.line + 1, message=message)
        )

    def build(self, node: yaml.Node, path: JsonPath, document: Document) -> Any:
        """Return the plain value of `node` at `path`."""
        document.nodes[path] = node
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        if node.tag not in (_SEQUENCE_TAG, _MAPPING_TAG):
            self.problem(node, f"{format_path(path)}: unsupported tag {node.tag}")
        if id(node) in self.open:
            self.problem(node, f"{format_path(path)}: an alias refers to its own parent")
            return None
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, (*path, i), document) for i, item in enumerate(node.value)]
            return self.mapping(node, path, document)
        finally:
            self.open.discard(id(node))

    def scalar(self, node: yaml.ScalarNode, path: JsonPath) -> Any:
        construct = self.constructor.yaml_constructors.get(node.tag)
        if construct is None:
            self.problem(node, f"{format_path(path)}: unsupported tag {node.tag}")
            return node.value
        try:
            return construct(self.constructor, node)
        except yaml.YAMLError as error:
            self.problem(node, f"{format_path(path)}: {getattr(error, 'problem', error)}")
            return node.value

    def mapping(self, node: yaml.MappingNode, path: JsonPath, document: Document) -> dict:
        data: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, f"{format_path(path)}: a key must be a plain word")
                continue
            key = key_node.value
            if key in data:
                first = document.key_nodes[(*path, key)]
                self.problem(
                    key_node,
                    f"{format_path((*path, key))}: duplicate key (first on line "
                    f"{first.start_mark.line + 1}); YAML would silently keep only the last one",
                )
            else:
                document.key_nodes[(*path, key)] = key_node
            data[key] = self.build(value_node, (*path, key), document)
        return data
