"""Strict YAML for every metadata file (forbund.yaml, source.yaml, checks.yaml, rules, vocabulary).

PyYAML's safe_load keeps the last of two equal keys, expands aliases without limit (an "alias
bomb" of a few hundred bytes exhausts memory) and raises bare exceptions for impossible dates.
`load_yaml` instead:
- rejects duplicate keys, anchors and aliases (`&a`, `*a`, `<<: *a`) with file and line;
- caps the file size (MAX_BYTES) and the nesting depth;
- requires UTF-8 (a BOM is accepted) and says so with the line of the first bad byte;
- returns mappings and lists that remember the line of each key and item (`Lined*`), so a
  schema check (`finsam_analysis.data.metadata`) can report `file:line: key: ...`.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.events import AliasEvent

MAX_BYTES = 1_000_000
MAX_DEPTH = 50


class YamlFileError(ValueError):
    """A YAML file that is not strictly valid; `line` is 1-based or None."""

    def __init__(self, path: Path | str, line: int | None, message: str):
        self.path, self.line, self.message = Path(path), line, message
        super().__init__(f"{path}{f':{line}' if line else ''}: {message}")


class LinedDict(dict):
    """A mapping from YAML that knows its own line and each key's line."""

    line: int | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_lines: dict = {}

    def line_of(self, key) -> int | None:
        return self.key_lines.get(key, self.line)


class LinedList(list):
    """A sequence from YAML that knows its own line and each item's line."""

    line: int | None = None

    def __init__(self, *args):
        super().__init__(*args)
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int | None:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


def line_of(container, key) -> int | None:
    """The line of `key` in a Lined container (None for plain containers)."""
    getter = getattr(container, "line_of", None)
    return getter(key) if getter else None


class StrictLoader(yaml.SafeLoader):
    """SafeLoader without aliases/anchors/merge keys and with duplicate keys as errors."""

    depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            raise ComposerError(
                None,
                None,
                f"alias *{event.anchor} is not allowed (no anchors or aliases in curated YAML; write the value out)",
                event.start_mark,
            )
        if getattr(event, "anchor", None) is not None:
            raise ComposerError(
                None,
                None,
                f"anchor &{event.anchor} is not allowed (no anchors or aliases in curated YAML; write the value out)",
                event.start_mark,
            )
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _construct_mapping(loader: StrictLoader, node):
    data = LinedDict()
    data.line = node.start_mark.line + 1
    yield data
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise ConstructorError(None, None, "merge keys (<<) are not allowed", key_node.start_mark)
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise ConstructorError(
                None, None, f"a key must be a plain value, not {type(key).__name__}", key_node.start_mark
            ) from None
        if key in data:
            raise ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first on line {data.key_lines[key]}); YAML would silently keep only the last",
                key_node.start_mark,
            )
        data[key] = loader.construct_object(value_node, deep=False)
        data.key_lines[key] = key_node.start_mark.line + 1


def _construct_sequence(loader: StrictLoader, node):
    data = LinedList()
    data.line = node.start_mark.line + 1
    yield data
    for child in node.value:
        data.append(loader.construct_object(child, deep=False))
        data.item_lines.append(child.start_mark.line + 1)


def _construct_timestamp(loader: StrictLoader, node):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise ConstructorError(None, None, f"{node.value!r} is not a valid date ({exc})", node.start_mark) from None


StrictLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
StrictLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


# With libyaml, text that cannot hold an anchor, alias or merge key is composed in C (7-10x
# faster on these files) and constructed by the same strict constructors (duplicate keys, lines,
# dates); anything that might hold one goes through StrictLoader, which names the offence.
MAYBE_ANCHOR_OR_ALIAS = re.compile(r"(?:^|[\s\[{,:-])[&*][^\s,\]}]|<<")
try:
    from yaml.cyaml import CParser
except ImportError:  # PyYAML built without libyaml: every file takes StrictLoader
    CParser = None
FastStrictLoader = None
if CParser is not None:

    class FastStrictLoader(CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):  # noqa: F811
        def __init__(self, stream):
            CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    for _tag, _constructor in StrictLoader.yaml_constructors.items():
        FastStrictLoader.add_constructor(_tag, _constructor)


def _check_depth(node, depth: int = 1) -> None:
    if depth > MAX_DEPTH:
        raise ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep", node.start_mark)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _check_depth(key, depth + 1)
            _check_depth(value, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            _check_depth(child, depth + 1)


def _load(text: str):
    if FastStrictLoader is not None and not MAYBE_ANCHOR_OR_ALIAS.search(text):
        loader = FastStrictLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            _check_depth(node)
            return loader.construct_document(node)
        finally:
            loader.dispose()
    loader = StrictLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def decode_utf8(data: bytes, path: Path | str) -> str:
    """The text of a file's bytes as UTF-8 (a leading BOM dropped), or YamlFileError-like ValueError."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise YamlFileError(path, line, f"not UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8") from None


def parse_yaml(text: str, path: Path | str):
    """Parse YAML text strictly; YamlFileError with the line on any problem."""
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        raise YamlFileError(path, None, f"larger than {MAX_BYTES} bytes; a metadata file is a few kilobytes")
    try:
        return _load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise YamlFileError(path, mark.line + 1 if mark else None, f"invalid YAML: {what}") from None
    except yaml.YAMLError as exc:
        raise YamlFileError(path, None, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise YamlFileError(path, None, "invalid YAML: nested too deeply") from None


def load_yaml(path: Path | str):
    """Read and parse one YAML file strictly (size cap, UTF-8, no aliases, no duplicate keys)."""
    path = Path(path)
    if path.is_dir():
        raise YamlFileError(path, None, "is a directory; expected a YAML file")
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise YamlFileError(path, None, "file is missing") from None
    if size > MAX_BYTES:
        raise YamlFileError(
            path, None, f"is {size} bytes; larger than {MAX_BYTES} bytes, a metadata file is a few kilobytes"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise YamlFileError(path, None, f"cannot be read ({exc.strerror})") from None
    return parse_yaml(decode_utf8(data, path), path)
