"""The scenario and overlay file formats (`format: accord/1`) as pydantic models."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from events.catalogue import Event, Id, Strict, When

Reliability = Literal["A", "B", "C", "D", "E", "F"]
RELIABILITY_ORDER = "ABCDEF"


class Named(Strict):
    """A model whose human-readable name defaults to its id."""

    @model_validator(mode="before")
    @classmethod
    def _default_name(cls, data: Any) -> Any:
        for key in ("name", "title", "label"):
            if key in cls.model_fields and isinstance(data, dict) and key not in data \
                    and isinstance(data.get("id"), str):
                data = {**data, key: data["id"]}
        return data


class Speaker(Named):
    """Someone who speaks for a party."""

    id: Id
    name: str
    role: str | None = None


class Party(Named):
    """An actor with standing in the talks or around them."""

    id: Id
    name: str
    speakers: list[Speaker] = Field(default_factory=list)
    note: str | None = None


class Option(Named):
    """One labelled point on an issue's axis."""

    id: Id
    label: str


class Issue(Named):
    """A question on the table, with its options ordered from one pole to the other."""

    id: Id
    title: str
    options: Annotated[list[Option], Field(min_length=1)]
    note: str | None = None

    def position_of(self, option: str) -> float:
        """Where `option` sits on [0, 1]: option i of n is at i/(n-1)."""
        ids = [o.id for o in self.options]
        n = len(ids)
        return ids.index(option) / (n - 1) if n > 1 else 0.0


class Source(Strict):
    """A press report, graded for reliability on the Admiralty scale (A best, F unknown)."""

    id: Id
    outlet: str | None = None
    title: str | None = None
    date: When | None = None
    url: str | None = None
    reliability: Reliability = "F"  # F: reliability cannot be judged
    text: str | None = None
    note: str | None = None


class NegotiationRef(Strict):
    """The negotiation a scenario describes."""

    id: Id
    title: str


class Expectation(Strict):
    """An analyst's reading of the state after an event, after a step, or at the end."""

    after: Id | None = None
    step: Annotated[int, Field(ge=0, strict=True)] | None = None
    state: Annotated[dict[str, Any], Field(min_length=1)]

    @model_validator(mode="after")
    def _one_point(self) -> Expectation:
        if self.after is not None and self.step is not None:
            raise ValueError("an expectation takes `after` or `step`, not both")
        return self


class Header(Strict):
    """Everything in a scenario except its events and expectations."""

    negotiation: NegotiationRef
    principals: Annotated[list[Id], Field(min_length=2)]
    parties: Annotated[list[Party], Field(min_length=1)]
    issues: Annotated[list[Issue], Field(min_length=1)]
    sources: list[Source] = Field(default_factory=list)

    def bare(self) -> Header:
        """Just the header: a Scenario's events and expectations left out."""
        return Header.model_validate(self.model_dump(include=set(Header.model_fields)))

    def issue(self, issue_id: str) -> Issue:
        """The issue with this id (KeyError when unknown)."""
        for issue in self.issues:
            if issue.id == issue_id:
                return issue
        raise KeyError(issue_id)


class Scenario(Header):
    """A scenario file: the negotiation, its actors, issues, sources, events, expectations."""

    format: Literal["accord/1"]
    events: list[Event] = Field(default_factory=list)
    expect: list[Expectation] = Field(default_factory=list)


class OverlayRef(Strict):
    """The what-if an overlay asks."""

    id: Id
    title: str


class Overlay(Strict):
    """A what-if on top of a base scenario (or another overlay)."""

    format: Literal["accord/1"]
    overlay: OverlayRef
    base: str
    drop: list[Id] = Field(default_factory=list)
    replace: list[Event] = Field(default_factory=list)
    add: list[Event] = Field(default_factory=list)
    min_reliability: Reliability | None = None
    min_credibility: Annotated[int, Field(ge=1, le=6, strict=True)] | None = None
    expect: list[Expectation] = Field(default_factory=list)
