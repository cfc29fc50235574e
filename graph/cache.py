"""The extraction cache: each transcript's extraction and its finished outputs (its share of the
graph files and of the views), stored by the transcript's bytes and the knowledge that extracted
them, so an unchanged transcript is neither extracted nor written out again.

Entries are gzipped JSON of the dataclasses in graph/model.py, written and read generically
(by the dataclasses' fields and type hints), so reading an entry never runs code. An entry that
cannot be read, or does not have the expected shape, is ignored with a warning and the
transcript is extracted again.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import json
import logging
import os
import tempfile
import threading
import types
import typing
from collections.abc import Callable
from functools import cache
from pathlib import Path

from graph.readers import MAX_BYTES

log = logging.getLogger(__name__)
SUFFIX = ".json.gz"
PARTS = ("extraction", "outputs")  # what an entry holds: an object with these keys


class CacheEntryError(ValueError):
    """A cache entry whose content is not what the cache writes."""


def encode(value: object, shared: dict[object, object] | None = None) -> object:
    """A dataclass (nested), tuple, dict or scalar as plain JSON data. With a `shared` dict,
    equal dataclass values (a quote that is evidence of several claims) are encoded once and
    that one object is put in each place (marshal then writes it once too)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if shared is None:
            return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        key = _hashable(value)
        found = shared.get(key) if key is not None else None
        if found is None:
            found = {f.name: encode(getattr(value, f.name), shared)
                     for f in dataclasses.fields(value)}
            if key is not None:
                shared[key] = found
        return found
    if isinstance(value, tuple | list):
        return [encode(item, shared) for item in value]
    if isinstance(value, dict):
        return {str(key): encode(item, shared) for key, item in value.items()}
    return value


def _hashable(value: object) -> object | None:
    """`value` as a key (with its type: equal values of two classes are not one), or None
    when it cannot be hashed."""
    try:
        hash(value)
    except TypeError:
        return None
    return type(value), value


Decoder = Callable[[object], object]
_local = threading.local()  # .seen, while decode(shared=True) runs here: id(data) -> value


def decode(hint: object, data: object, shared: bool = False) -> object:
    """Rebuild a value of type `hint` from `encode`'s output; CacheEntryError if it does not fit.
    With `shared`, a dataclass's data met again (the same object: marshal gives one object for
    what `encode(shared=...)` put in several places) gives the same value, rebuilt once."""
    if not shared:
        return _decoder(hint)(data)
    _local.seen = {}
    try:
        return _decoder(hint)(data)
    finally:
        _local.seen = None


@cache
def _decoder(hint: object) -> Decoder:
    """A function that rebuilds values of type `hint`, made once per type from its hints."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        return _union([_decoder(option) for option in typing.get_args(hint)], hint)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass(hint)
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return _sequence(_decoder(args[0]))
        return _fixed(tuple(_decoder(a) for a in args))
    if origin is dict:
        return _mapping(*(_decoder(a) for a in typing.get_args(hint)))
    if hint is float:
        return _float
    if hint in (int, str, bool, type(None)):
        return _exactly(hint if hint is not type(None) else type(None))
    raise TypeError(f"cannot decode {hint}")


def _wrong(expected: object, data: object) -> CacheEntryError:
    return CacheEntryError(f"expected {expected}, found {type(data).__name__}")


def _exactly(kind: type) -> Decoder:
    def check(data: object) -> object:
        if type(data) is not kind:  # bool is no int here, nor int a bool
            raise _wrong(kind.__name__, data)
        return data

    return check


def _float(data: object) -> float:
    if type(data) not in (int, float):
        raise _wrong("float", data)
    return float(data)


def _union(options: list[Decoder], hint: object) -> Decoder:
    nullable = type(None) in typing.get_args(hint)  # None fits only its own option: at once

    def first_fit(data: object) -> object:
        if data is None and nullable:
            return None
        for option in options:
            try:
                return option(data)
            except CacheEntryError:
                continue
        raise _wrong(hint, data)

    return first_fit


def _sequence(item: Decoder) -> Decoder:
    def items(data: object) -> tuple:
        if type(data) is not list:
            raise _wrong("a list", data)
        return tuple([item(x) for x in data])

    return items


def _fixed(parts: tuple[Decoder, ...]) -> Decoder:
    def items(data: object) -> tuple:
        if type(data) is not list or len(data) != len(parts):
            raise _wrong(f"a list of {len(parts)}", data)
        return tuple(part(x) for part, x in zip(parts, data, strict=True))

    return items


def _mapping(key: Decoder, value: Decoder) -> Decoder:
    def entries(data: object) -> dict:
        if type(data) is not dict:
            raise _wrong("an object", data)
        return {key(k): value(v) for k, v in data.items()}

    return entries


def _dataclass(cls: type) -> Decoder:
    hints = typing.get_type_hints(cls)
    fields = {f.name: f.name for f in dataclasses.fields(cls) if f.init}
    decoders: dict[str, Decoder] = {}
    # A dataclass that only stores its fields (every field set by __init__, no __post_init__,
    # no slots) is made by setting them, checked, on a new instance: what its __init__ does,
    # without a call of object.__setattr__ per field, which a frozen one makes (a fifth of
    # reading a thousand transcripts' records back).
    stored = (not hasattr(cls, "__post_init__") and "__slots__" not in vars(cls)
              and len(fields) == len(dataclasses.fields(cls)))

    def build(data: object) -> object:
        if type(data) is not dict:
            raise _wrong(f"an object for {cls.__name__}", data)
        seen = getattr(_local, "seen", None)
        if seen is not None:
            found = seen.get(id(data))
            if type(found) is cls:
                return found
        if not decoders:  # filled on first use: the hints may name classes defined later
            decoders.update({name: _decoder(hints[name]) for name in fields})
        try:
            values = {name: decoders[name](value) for name, value in data.items()}
            if stored and len(values) == len(fields):  # every field, and only fields
                value = object.__new__(cls)
                value.__dict__.update(values)
            else:
                value = cls(**values)
        except (KeyError, TypeError, CacheEntryError):  # a field unknown, missing or not fitting
            raise _unfit(cls, decoders, data) from None
        if seen is not None:
            seen[id(data)] = value
        return value

    return build


def _unfit(cls: type, decoders: dict[str, Decoder], data: dict) -> CacheEntryError:
    """What is wrong with `data` for a `cls`: the first field unknown or not fitting, else the
    fields missing."""
    for name, value in data.items():
        if name not in decoders:
            return CacheEntryError(f"{cls.__name__} has no field {name!r}")
        try:
            decoders[name](value)
        except CacheEntryError as err:
            return CacheEntryError(f"{cls.__name__}.{name}: {err}")
    required = [f.name for f in dataclasses.fields(cls) if f.init and f.name not in data
                and f.default is f.default_factory is dataclasses.MISSING]
    return CacheEntryError(f"{cls.__name__}: missing {', '.join(required)}")


def dumps(entry: dict[str, object]) -> bytes:
    """An entry: the extraction and the outputs (None when not made), as gzipped JSON."""
    buffer = io.BytesIO()
    dump(entry, buffer)
    return buffer.getvalue()


def dump(entry: dict[str, object], handle: typing.BinaryIO) -> None:
    """Write an entry as `dumps` makes it, a field at a time (a long transcript's outputs are
    hundreds of megabytes of text: never all of it as JSON at once)."""
    with gzip.GzipFile(fileobj=handle, mode="wb", compresslevel=1, mtime=0) as out:
        for chunk in _json_chunks({part: entry.get(part) for part in PARTS}):
            out.write(chunk.encode("utf-8"))


LONG = 1000  # items of a sequence above which its items are written one at a time
SLICE = 1 << 20  # characters of text above which it is written a slice at a time


def _json_chunks(value: object) -> typing.Iterator[str]:
    """The JSON of `encode(value)`, in pieces: a dataclass or dict a field at a time, a long
    sequence an item at a time."""
    def dumped(item: object) -> str:
        return json.dumps(encode(item), ensure_ascii=False, separators=(",", ":"))

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        items = [(f.name, getattr(value, f.name)) for f in dataclasses.fields(value)]
    elif isinstance(value, dict):
        items = [(str(key), item) for key, item in value.items()]
    elif isinstance(value, str) and len(value) > SLICE:  # escaped a character at a time
        yield '"'
        for start in range(0, len(value), SLICE):
            yield json.dumps(value[start:start + SLICE], ensure_ascii=False)[1:-1]
        yield '"'
        return
    elif isinstance(value, tuple | list) and len(value) > LONG:
        yield "["
        for number, item in enumerate(value):
            yield ("," if number else "") + dumped(item)
        yield "]"
        return
    else:
        yield dumped(value)
        return
    yield "{"
    for number, (key, item) in enumerate(items):
        yield ("," if number else "") + json.dumps(key, ensure_ascii=False) + ":"
        yield from _json_chunks(item)
    yield "}"


def loads(data: bytes, hints: dict[str, object]) -> dict[str, object]:
    """The parts of an entry written by `dumps` named in `hints` (part -> type), rebuilt as
    those types; CacheEntryError for anything else."""
    try:  # the text decoded before parsing, so the decompressed bytes are gone by then
        document = json.loads(gzip.decompress(data).decode("utf-8"))
    except (OSError, EOFError, ValueError) as err:  # gzip, zlib, UTF-8 and JSON errors
        raise CacheEntryError(f"not a cache entry ({err})") from None
    if not isinstance(document, dict) or set(document) != set(PARTS):
        raise CacheEntryError("not a cache entry (unexpected keys)")
    return {part: decode(hint, document[part]) for part, hint in hints.items()}


class Cache:
    """Results stored by the transcript's bytes, its id and a digest of the knowledge and code
    that extracted it. `folder` None turns the cache off."""

    def __init__(self, folder: Path | None, knowledge: str) -> None:
        self.folder = folder
        self.knowledge = knowledge

    def file(self, path: Path, doc_id: str) -> Path | None:
        """The entry's file, by a digest of the transcript read in pieces; None with the cache
        off, and for a transcript over the size limit or that cannot be opened (the reader
        then refuses it, without this reading it whole first)."""
        if self.folder is None:
            return None
        try:
            if path.stat().st_size > MAX_BYTES:
                return None
            with path.open("rb") as handle:
                key = hashlib.file_digest(handle, "sha256")
        except OSError:
            return None
        key.update(doc_id.encode() + self.knowledge.encode())
        return self.folder / f"{key.hexdigest()}{SUFFIX}"

    def get(self, path: Path, doc_id: str, hints: dict[str, object]) -> dict[str, object] | None:
        """The entry's parts named in `hints` (see `loads`), or None."""
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
            return loads(data, hints)
        except CacheEntryError as err:
            log.warning("warning: cache entry %s ignored: %s; extracting %s again", file, err, path)
            return None

    def put(self, path: Path, doc_id: str, entry: dict[str, object]) -> None:
        """Write the entry through a temporary file, so a reader never sees half of it."""
        file = self.file(path, doc_id)
        if file is None:
            return
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".entry-", suffix=".tmp", dir=file.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                dump(entry, handle)
            os.replace(temporary, file)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
