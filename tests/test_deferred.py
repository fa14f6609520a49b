"""Maps read back from a snapshot only when first read (`domain.deferred`): they read as
the map they stand for, whatever was written and copied before, and are built once."""

from __future__ import annotations

import threading
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from domain import state_codec
from domain.deferred import DeferredMap, Source
from domain.persistent import ChunkedMap, slot_of
from domain.replay import Replay
from events import synthetic

TIMELINE = synthetic.timeline(synthetic.Spec(1_500, seed=3))

KEYS = st.sampled_from([f"k{n}" for n in range(12)])
#: ("set", key, value), ("del", key), ("read",), ("copy",): what the fold and a Replay do
OPS = st.lists(st.one_of(
    st.tuples(st.just("set"), KEYS, st.integers(0, 99)),
    st.tuples(st.just("del"), KEYS),
    st.tuples(st.just("read")),
    st.tuples(st.just("copy"))), max_size=40)


def counted(base: dict[str, int], builds: list[int]) -> Source:
    """A source of the ChunkedMap of `base` (with a deleted slot first), counting builds."""
    def build(step: Any) -> ChunkedMap[str, int]:
        builds.append(1)
        built: ChunkedMap[str, int] = ChunkedMap([("gone", -1), *base.items()])
        del built["gone"]
        return built
    return Source(build)


def read(mapping: ChunkedMap[str, int]) -> tuple[list[Any], list[int]]:
    """Everything a reader can tell of a map: its slots, and each key's slot number."""
    return list(mapping.slots()), [slot_of(mapping, key) for key in sorted(mapping)]


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(KEYS, st.integers(0, 99), max_size=8), OPS)
def test_a_deferred_map_reads_as_the_map_it_stands_for(base: dict[str, int],
                                                       ops: list[tuple[Any, ...]]) -> None:
    builds: list[int] = []
    reference = counted(base, []).map().copy()
    deferred: ChunkedMap[str, int] = DeferredMap(counted(base, builds))
    copies: list[tuple[ChunkedMap[str, int], ChunkedMap[str, int], tuple[Any, ...]]] = []
    for op in ops:
        if op[0] == "set":
            reference[op[1]] = deferred[op[1]] = op[2]
        elif op[0] == "del":
            if op[1] in reference:
                del reference[op[1]]
                del deferred[op[1]]
            else:
                assert op[1] not in deferred
        elif op[0] == "read":
            assert read(deferred) == read(reference)
        else:  # a checkpoint: copies taken now read later as the map read now
            copies.append((deferred.copy(), reference.copy(), read(reference)))
    assert read(deferred) == read(reference)
    assert len(deferred) == len(reference) and dict(deferred) == dict(reference)
    for copy, reference_copy, then in reversed(copies):
        assert read(copy) == read(reference_copy) == then
    assert len(builds) == 1  # once, for the map and every copy


def test_writes_alone_build_nothing_and_a_read_builds_once_for_every_copy() -> None:
    builds: list[int] = []
    deferred: DeferredMap[str, int] = DeferredMap(counted({"a": 1}, builds))
    deferred["b"] = 2
    copy = deferred.copy()
    copy["c"] = 3
    assert builds == [] and deferred.deferred and isinstance(copy, DeferredMap)
    assert deferred["b"] == 2 and builds == [1]
    assert not deferred.deferred and copy.deferred
    assert type(deferred.copy()) is ChunkedMap  # read once: copies are plain ones
    assert dict(copy) == {"a": 1, "b": 2, "c": 3} and builds == [1]


def test_a_snapshot_read_back_leaves_the_folds_indexes_until_the_fold_reads_them() -> None:
    plain = Replay(TIMELINE)

    def reads_stances(n: int) -> bool:  # a retraction, or a rejection of a stance
        event: Any = TIMELINE.events[n]
        return event.type == "retraction" or (
            event.type == "rejection" and event.target is not None
            and any(target not in plain.state(n).claims for target in event.target))

    at = next(n for n in range(900, TIMELINE.steps) if not reads_stances(n))
    first = next(n for n in range(at, TIMELINE.steps) if reads_stances(n))
    back = state_codec.decode(state_codec.encode(plain.state(at)), TIMELINE.header,
                              persistent=True)
    assert isinstance(back.stances, DeferredMap) and isinstance(back.pledge_events,
                                                                 DeferredMap)
    replay = Replay(TIMELINE)
    replay.install(back)
    assert replay.state(first).stances.deferred  # type: ignore[attr-defined]
    assert not back.stances._source.built  # type: ignore[union-attr]
    replay.state(first + 1)  # folds the statement that reads the index: built, once
    assert back.stances.deferred and back.stances._source.built  # type: ignore[union-attr]
    for step in (first, first + 1, TIMELINE.steps):
        assert state_codec.rows(replay.state(step)) == state_codec.rows(plain.state(step))


def test_a_builder_stands_aside_no_more_once_another_thread_waits_for_the_map() -> None:
    # a worker builds, pacing itself (it waits while the viewer answers a key); the
    # viewer's UI thread then asks for the map and blocks: were the worker to go on
    # waiting for the viewer's repaint at every part, the viewer would hang
    parts, paced = 50, []
    building, go = threading.Event(), threading.Event()

    def pace() -> None:
        paced.append(1)
        building.set()
        go.wait(5)  # the first part: held until the UI thread waits

    def build(step: Any) -> ChunkedMap[str, int]:
        built: ChunkedMap[str, int] = ChunkedMap()
        for n in range(parts):
            step()
            built[f"k{n}"] = n
        return built

    source = Source(build, pace)
    worker = threading.Thread(target=source.map)
    worker.start()
    assert building.wait(5)
    threading.Timer(0.2, go.set).start()  # the UI thread is blocked by then
    got = source.map()
    worker.join()
    assert len(got) == parts and got is source.map()
    assert paced == [1]  # the part under way when the UI thread came, and no more
