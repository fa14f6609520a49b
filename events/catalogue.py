"""The event catalogue: the seven kinds of reported statement, as pydantic models.

Every event shares an envelope (who said what, when, where it was reported, how credible);
each type adds the fields its effect on the state needs (see docs/rules.md).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"

#: An identifier: letters, digits, `-` and `_` (no dots: ids are parts of dotted paths).
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=200)]


def _iso_when(value: Any) -> Any:
    """Check an ISO date or datetime; keep it as the text written (dates become text)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                date.fromisoformat(text)
            else:
                datetime.fromisoformat(text)
            return text
        except ValueError:
            raise ValueError(
                "expected an ISO date (2022-03-30) or datetime (2022-03-30T14:00:00), "
                f"got {value!r}"
            ) from None
    raise ValueError(f"expected an ISO date or datetime, got {value!r}")


#: When a statement was made: an ISO date or datetime, kept as ISO text.
When = Annotated[str, BeforeValidator(_iso_when)]


def when_key(at: str) -> datetime:
    """Sort key of a `When`: a bare date is the start of that day; naive times count as UTC."""
    moment = datetime.fromisoformat(at) if len(at) > 10 else datetime.fromisoformat(at + "T00:00")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class Strict(BaseModel):
    """Base of every file model: unknown keys are errors; values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class EventBase(Strict):
    """The envelope every event carries."""

    id: Id
    at: When
    party: Id
    speaker: Id | None = None
    quote: str = ""
    source: Id | None = None
    credibility: Annotated[int, Field(ge=1, le=6, strict=True)] | None = None
    note: str | None = None
    tags: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _sourced_quote(self) -> EventBase:
        if self.source is not None and not self.quote:
            raise ValueError("an event with a source needs its quote (verbatim from the source)")
        return self

    @property
    def effective_credibility(self) -> int:
        """Credibility for filtering: an event without a source or grade counts as 6."""
        if self.source is None or self.credibility is None:
            return 6
        return self.credibility


Conditions = Annotated[list[str], BeforeValidator(_as_list)]


class Proposal(EventBase):
    """The party advocates `option`: it becomes its position."""

    type: Literal["proposal"]
    issue: Id
    option: Id
    conditions: Conditions | None = None


class Acceptance(EventBase):
    """The party accepts `option`; it becomes its position only if it had none."""

    type: Literal["acceptance"]
    issue: Id
    option: Id
    conditions: Conditions | None = None


Targets = Annotated[list[Id], BeforeValidator(_as_list), Field(min_length=1)]


class Rejection(EventBase):
    """The party rejects an option (`issue` + `option`, or the option of a `target` proposal or
    acceptance); a `target` claim about the party is rebutted instead."""

    type: Literal["rejection"]
    issue: Id | None = None
    option: Id | None = None
    target: Targets | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Rejection:
        if self.target is None and (self.issue is None or self.option is None):
            raise ValueError("a rejection needs `issue` and `option`, or `target`")
        if self.target is not None and (self.issue is not None or self.option is not None):
            raise ValueError("a rejection takes `issue` + `option` or `target`, not both")
        return self


class Claim(EventBase):
    """The party asserts that party `about` holds `option` on `issue`."""

    type: Literal["claim"]
    about: Id
    issue: Id
    option: Id


class Pledge(EventBase):
    """A commitment by the party to act; identified by `pledge`."""

    type: Literal["pledge"]
    pledge: Id
    commitment: str
    issue: Id | None = None


class Report(EventBase):
    """Evidence on a pledge: it `supports` or `contradicts` the pledge being kept."""

    type: Literal["report"]
    pledge: Id
    finding: Literal["supports", "contradicts"]
    observation: str


class Retraction(EventBase):
    """The party withdraws one of its own proposals, acceptances, claims or pledges."""

    type: Literal["retraction"]
    target: Id


Event = Annotated[
    Proposal | Acceptance | Rejection | Claim | Pledge | Report | Retraction,
    Field(discriminator="type"),
]

EVENT_TYPES: dict[str, type[EventBase]] = {
    "proposal": Proposal,
    "acceptance": Acceptance,
    "rejection": Rejection,
    "claim": Claim,
    "pledge": Pledge,
    "report": Report,
    "retraction": Retraction,
}
