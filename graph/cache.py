"""The extraction cache: each transcript's extraction and N-Triples, stored by the transcript's
bytes and the knowledge that extracted them, so an unchanged transcript is not extracted again.

Entries are gzipped JSON of the dataclasses in graph/model.py, written and read generically
(by the dataclasses' fields and type hints), so reading an entry never runs code. An entry that
cannot be read, or does not have the expected shape, is ignored with a warning and the
transcript is extracted again.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import logging
import os
import tempfile
import types
import typing
from functools import cache
from pathlib import Path

from graph.model import Extraction

log = logging.getLogger(__name__)
Result = tuple[Extraction, bytes | None]  # an extraction and its N-Triples, when asked for
SUFFIX = ".json.gz"


class CacheEntryError(ValueError):
    """A cache entry whose content is not what the cache writes."""


def encode(value: object) -> object:
    """A dataclass (nested), tuple, dict or scalar as plain JSON data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {str(key): encode(item) for key, item in value.items()}
    return value


@cache
def _hints(cls: type) -> dict[str, object]:
    return typing.get_type_hints(cls)


def decode(hint: object, data: object, where: str = "entry") -> object:
    """Rebuild a value of type `hint` from `encode`'s output; CacheEntryError if it does not fit."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        for option in typing.get_args(hint):
            try:
                return decode(option, data, where)
            except CacheEntryError:
                continue
        raise CacheEntryError(f"{where}: {type(data).__name__} fits none of {hint}")
    if hint is type(None):
        if data is None:
            return None
    elif isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _decode_dataclass(hint, data, where)
    elif origin is tuple:
        return _decode_tuple(hint, data, where)
    elif origin is dict and isinstance(data, dict):
        key_type, value_type = typing.get_args(hint)
        return {decode(key_type, k, where): decode(value_type, v, f"{where}.{k}")
                for k, v in data.items()}
    elif hint is float and isinstance(data, int | float) and not isinstance(data, bool):
        return float(data)
    elif hint in (int, str, bool) and type(data) is hint:
        return data
    raise CacheEntryError(f"{where}: expected {hint}, found {type(data).__name__}")


def _decode_dataclass(cls: type, data: object, where: str) -> object:
    if not isinstance(data, dict):
        raise CacheEntryError(f"{where}: expected an object for {cls.__name__}")
    fields = {f.name for f in dataclasses.fields(cls) if f.init}
    unknown = set(data) - fields
    if unknown:
        raise CacheEntryError(f"{where}: {cls.__name__} has no field {sorted(unknown)[0]!r}")
    hints = _hints(cls)
    values = {name: decode(hints[name], value, f"{where}.{name}") for name, value in data.items()}
    try:
        return cls(**values)
    except TypeError as err:  # a required field is missing
        raise CacheEntryError(f"{where}: {err}") from None


def _decode_tuple(hint: object, data: object, where: str) -> tuple:
    if not isinstance(data, list):
        raise CacheEntryError(f"{where}: expected a list")
    args = typing.get_args(hint)
    if len(args) == 2 and args[1] is Ellipsis:
        return tuple(decode(args[0], item, f"{where}[{i}]") for i, item in enumerate(data))
    if len(args) != len(data):
        raise CacheEntryError(f"{where}: expected {len(args)} items")
    pairs = enumerate(zip(args, data, strict=True))
    return tuple(decode(a, item, f"{where}[{i}]") for i, (a, item) in pairs)


def dumps(result: Result) -> bytes:
    extraction, ntriples = result
    data = {"extraction": encode(extraction),
            "ntriples": None if ntriples is None else ntriples.decode("utf-8")}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=1, mtime=0)


def loads(data: bytes) -> Result:
    """An entry written by `dumps`; CacheEntryError for anything else."""
    try:
        document = json.loads(gzip.decompress(data))
    except (OSError, EOFError, ValueError) as err:  # gzip, zlib, UTF-8 and JSON errors
        raise CacheEntryError(f"not a cache entry ({err})") from None
    if not isinstance(document, dict) or set(document) != {"extraction", "ntriples"}:
        raise CacheEntryError("not a cache entry (unexpected keys)")
    extraction = decode(Extraction, document["extraction"], "extraction")
    ntriples = decode(str | None, document["ntriples"], "ntriples")
    return extraction, None if ntriples is None else ntriples.encode("utf-8")


class Cache:
    """Results stored by the transcript's bytes, its id and a digest of the knowledge and code
    that extracted it. `folder` None turns the cache off."""

    def __init__(self, folder: Path | None, knowledge: str) -> None:
        self.folder = folder
        self.knowledge = knowledge

    def file(self, path: Path, doc_id: str) -> Path | None:
        if self.folder is None:
            return None
        key = hashlib.sha256(path.read_bytes() + doc_id.encode() + self.knowledge.encode())
        return self.folder / f"{key.hexdigest()}{SUFFIX}"

    def get(self, path: Path, doc_id: str) -> Result | None:
        file = self.file(path, doc_id)
        if file is None:
            return None
        try:
            data = file.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as err:
            log.warning("warning: cache entry %s cannot be read (%s); extracting %s again",
                        file, err.strerror, path)
            return None
        try:
            return loads(data)
        except CacheEntryError as err:
            log.warning("warning: cache entry %s ignored: %s; extracting %s again", file, err, path)
            return None

    def put(self, path: Path, doc_id: str, result: Result) -> None:
        """Write the entry through a temporary file, so a reader never sees half of it."""
        file = self.file(path, doc_id)
        if file is None:
            return
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".entry-", suffix=".tmp", dir=file.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(dumps(result))
            os.replace(temporary, file)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
