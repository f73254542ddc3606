"""The knowledge base's entries: schema and loading (``dialogs/knowledge/*.yaml``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from .. import yamlio

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "knowledge"
Section = Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+)*$")]


class KnowledgeError(Exception):
    """A knowledge file that cannot be used (file, entry and reason)."""


class Bilingual(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")]
    question: Bilingual
    paraphrases: list[str] = Field(min_length=1)
    answer: Bilingual
    sections: list[Section] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    # False for a question the manual does not answer (``knowledge/not_covered.yaml``): it is
    # indexed so that such questions rank there, and is never shown as an answer.
    covered: bool = True

    @model_validator(mode="after")
    def _sections_when_covered(self) -> Entry:
        if self.covered and not self.sections:
            raise ValueError("an entry the manual covers needs its manual sections")
        if not self.covered and self.sections:
            raise ValueError("an entry the manual does not cover has no sections")
        return self


def load_entries(directory: Path = DEFAULT_DIR) -> list[Entry]:
    """Every entry of every knowledge file (``synonyms.yaml`` and ``_*.yaml`` excepted)."""
    entries: list[Entry] = []
    seen: dict[str, Path] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name == "synonyms.yaml" or path.name.startswith("_"):
            continue
        try:
            data = yamlio.load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise KnowledgeError(f"{path}: not valid YAML: {exc}") from None
        if not isinstance(data, list):
            raise KnowledgeError(f"{path}: must hold a list of entries")
        for index, raw in enumerate(data):
            try:
                entry = Entry.model_validate(raw)
            except ValidationError as exc:
                err = exc.errors(include_url=False)[0]
                where = ".".join(str(p) for p in err["loc"])
                name = raw.get("id", f"#{index}") if isinstance(raw, dict) else f"#{index}"
                raise KnowledgeError(f"{path}: entry {name}: {where}: {err['msg']}") from None
            if entry.id in seen:
                raise KnowledgeError(f"{path}: entry id {entry.id!r} already used in {seen[entry.id]}")
            seen[entry.id] = path
            entries.append(entry)
    return entries
