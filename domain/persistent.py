"""Containers that share structure between copies, so that a `Replay` can keep a
checkpoint every few thousand steps and restore one in well under a millisecond.

Both keep their items in frozen chunks (tuples, shared by every copy), grouped in frozen
blocks of chunks, plus a few open chunks and a small mutable tail: a copy costs
O(items / (CHUNK · BLOCK) + BLOCK + CHUNK), and a write copies at most a chunk and its
block.
They stand in for the lists and dicts of `domain.state` in the states a Replay folds;
`domain.fold` works on either unchanged. The standard library has no persistent
sequence or ordered map, and a HAMT (e.g. `immutables.Map`) neither keeps insertion
order (the JSON contract does) nor shares the nodes of keys inserted in timeline order
as well as append-only chunks do.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, MutableMapping, MutableSequence
from itertools import chain
from typing import Any, Generic, TypeVar, overload

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")

#: Items per frozen chunk: small enough that copying one on a write is cheap (the fold
#: rewrites claims, pledges and stances anywhere in the map: at 10^6 steps, with a
#: checkpoint every 1,024, chunks of 64 took ~110 MB less than chunks of 256), large
#: enough that a copy of 10^6 ids is some 16,000 pointers (~0.1 ms).
CHUNK = 64
#: Full chunks per frozen block: a copy copies the list of blocks and the open block's
#: chunks, so a checkpoint of a 10^6-item list is some 250 + 64 pointers, not 16,000
#: (at 10^6 steps, a checkpoint every 1,024: ~310 MB of chunk lists without blocks).
BLOCK = 64


class ChunkedList(MutableSequence[T]):
    """A list whose copies share its frozen chunks. Fast at the end: appends, reads and
    deletions near the end (what the fold does); an index far back walks the chunks.

    Full chunks are grouped in frozen blocks of BLOCK chunks, the open block's chunks kept
    in a short list: a copy copies the list of blocks, at most BLOCK chunks and the tail
    (O(len / (CHUNK · BLOCK) + BLOCK + CHUNK)), and a write far back copies a chunk and
    its block."""

    __slots__ = ("_blocks", "_chunks", "_len", "_tail", "_uniform")

    def __init__(self, items: Iterable[T] = ()) -> None:
        self._blocks: list[tuple[tuple[T, ...], ...]] = []
        self._chunks: list[tuple[T, ...]] = []
        self._tail: list[T] = []
        self._len = 0
        #: every block holds BLOCK chunks of CHUNK items (no deletion or insertion before
        #: the tail yet)
        self._uniform = True
        for item in items:
            self.append(item)

    @classmethod
    def of(cls, items: list[T]) -> ChunkedList[T]:
        """A ChunkedList of `items`, its chunks cut by slicing (what appending one by one
        builds, ~10 times faster: a snapshot read back holds 10^6 ids)."""
        out: ChunkedList[T] = cls.__new__(cls)
        full = len(items) - len(items) % CHUNK
        chunks = [tuple(items[i:i + CHUNK]) for i in range(0, full, CHUNK)]
        blocked = len(chunks) - len(chunks) % BLOCK
        out._blocks = [tuple(chunks[i:i + BLOCK]) for i in range(0, blocked, BLOCK)]
        out._chunks = chunks[blocked:]
        out._tail = items[full:]
        out._len = len(items)
        out._uniform = True
        return out

    def copy(self) -> ChunkedList[T]:
        """An independent copy sharing the frozen blocks and chunks."""
        other: ChunkedList[T] = ChunkedList.__new__(ChunkedList)
        other._blocks = self._blocks.copy()
        other._chunks = self._chunks.copy()
        other._tail = self._tail.copy()
        other._len = self._len
        other._uniform = self._uniform
        return other

    def __len__(self) -> int:
        return self._len

    def append(self, value: T) -> None:
        """Add `value` at the end."""
        tail = self._tail
        tail.append(value)
        self._len += 1
        if len(tail) >= CHUNK:
            self._tail = []
            chunks = self._chunks
            chunks.append(tuple(tail))
            if len(chunks) >= BLOCK:
                self._blocks.append(tuple(chunks))
                self._chunks = []

    def _locate(self, index: int) -> tuple[int, int, int]:
        """(block number, chunk number, offset) of `index`: block -1 is the tail (chunk
        number 0), block -2 the open block's chunks."""
        if index < 0:
            index += self._len
        if not 0 <= index < self._len:
            raise IndexError("list index out of range")
        start = self._len - len(self._tail)
        if index >= start:
            return -1, 0, index - start
        if self._uniform:
            block, rest = divmod(index, CHUNK * BLOCK)
            if block < len(self._blocks):
                return (block, *divmod(rest, CHUNK))
            return (-2, *divmod(index - len(self._blocks) * CHUNK * BLOCK, CHUNK))
        for k in range(len(self._chunks) - 1, -1, -1):
            start -= len(self._chunks[k])
            if index >= start:
                return -2, k, index - start
        for b in range(len(self._blocks) - 1, -1, -1):
            chunks = self._blocks[b]
            for k in range(len(chunks) - 1, -1, -1):
                start -= len(chunks[k])
                if index >= start:
                    return b, k, index - start
        raise AssertionError("unreachable: the chunks hold len items")

    def _chunk(self, block: int, k: int) -> tuple[T, ...]:
        return self._chunks[k] if block == -2 else self._blocks[block][k]

    def _put_chunk(self, block: int, k: int, chunk: tuple[T, ...] | None) -> None:
        """Chunk `k` of `block` (as `_locate` numbers them) replaced; removed if None (a
        block left without chunks goes too)."""
        if block == -2:
            if chunk is None:
                del self._chunks[k]
            else:
                self._chunks[k] = chunk
            return
        old = self._blocks[block]
        new = (*old[:k], *(() if chunk is None else (chunk,)), *old[k + 1:])
        if new:
            self._blocks[block] = new
        else:
            del self._blocks[block]

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            start, stop, stride = index.indices(self._len)
            if stride == 1 and stop == self._len:  # a suffix: collect from the end
                out: list[T] = []
                for item in reversed(self):
                    if len(out) >= stop - start:
                        break
                    out.append(item)
                out.reverse()
                return out
            return list(self)[index]
        block, k, offset = self._locate(index)
        return self._tail[offset] if block == -1 else self._chunk(block, k)[offset]

    def __setitem__(self, index: Any, value: Any) -> None:
        if isinstance(index, slice):
            raise TypeError("ChunkedList does not support slice assignment")
        block, k, offset = self._locate(index)
        if block == -1:
            self._tail[offset] = value
        else:
            chunk = self._chunk(block, k)
            self._put_chunk(block, k, (*chunk[:offset], value, *chunk[offset + 1:]))

    def __delitem__(self, index: Any) -> None:
        if isinstance(index, slice):
            raise TypeError("ChunkedList does not support slice deletion")
        block, k, offset = self._locate(index)
        if block == -1:
            del self._tail[offset]
        else:
            chunk = self._chunk(block, k)
            self._uniform = False
            self._put_chunk(block, k, chunk[:offset] + chunk[offset + 1:] or None)
        self._len -= 1

    def insert(self, index: int, value: T) -> None:
        """Insert `value` before `index` (at the end: an append)."""
        if index >= self._len:
            self.append(value)
            return
        block, k, offset = self._locate(index)
        self._uniform = False  # (in the tail too: it may outgrow CHUNK)
        if block == -1:
            self._tail.insert(offset, value)
        else:
            chunk = self._chunk(block, k)
            self._put_chunk(block, k, (*chunk[:offset], value, *chunk[offset:]))
        self._len += 1

    def _frozen(self) -> Iterator[tuple[T, ...]]:
        """The frozen chunks in order."""
        return chain(chain.from_iterable(self._blocks), self._chunks)

    def __iter__(self) -> Iterator[T]:
        return chain(chain.from_iterable(self._frozen()), self._tail)

    def __reversed__(self) -> Iterator[T]:
        yield from reversed(self._tail)
        for chunk in reversed(self._chunks):
            yield from reversed(chunk)
        for block in reversed(self._blocks):
            for chunk in reversed(block):
                yield from reversed(chunk)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ChunkedList):
            if self._len != other._len:
                return False
            if (self._uniform and other._uniform) or self._same_boundaries(other):
                # tuple and list equality skip the blocks and chunks both share by
                # identity, all in C (generators over the chunks cost ~25 ms a step
                # back at 10^6 steps)
                return (self._tail == other._tail and self._chunks == other._chunks
                        and self._blocks == other._blocks)
        if isinstance(other, ChunkedList | list | tuple):
            # (other boundaries: a list read back from a snapshot against one folded with
            # deletions) two whole lists compared in C: ~1 ms for 3·10^4 ids, where a
            # generator over the pairs took ~100 ms for a state's 24 cells
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    def shares_start(self, other: ChunkedList[Any]) -> bool:
        """Whether both begin with the same frozen chunk object, or neither has one yet:
        copies of one list, or lists folded on from one, whose comparison skips the
        chunks they share. Lists built apart (one read back from a stored snapshot) are
        compared item by item, ~1 ms for 3·10^4 ids."""
        return next(self._frozen(), None) is next(other._frozen(), None)

    def _same_boundaries(self, other: ChunkedList[Any]) -> bool:
        """Whether both cut their items at the same places (two copies of one list after
        deletions, say): the blocks they share by identity are not looked into."""
        mine, theirs = self._blocks, other._blocks
        return (len(mine) == len(theirs) and len(self._tail) == len(other._tail)
                and [*map(len, self._chunks)] == [*map(len, other._chunks)]
                and all(x is y or [*map(len, x)] == [*map(len, y)]
                        for x, y in zip(mine, theirs, strict=True)))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ChunkedList({list(self)!r})"


#: A deleted slot of a ChunkedMap.
_GONE: Any = object()


class ChunkedMap(MutableMapping[K, V], Generic[K, V]):
    """An insertion-ordered dict whose copies share frozen chunks of (key, value) slots.

    A new key takes the next slot; a deletion leaves a tombstone, so a key's slot number
    never moves. The index from key to slot numbers is shared by a map and all its
    copies: it holds only (key → slots ever used by it), which is the same in every copy
    as long as the copies perform the same sequence of changes — true of the states of
    one Replay, which all fold the same timeline. Do not change a copy in another way.
    """

    __slots__ = ("_index", "_live", "_slots")

    def __init__(self, items: Iterable[tuple[K, V]] = ()) -> None:
        self._index: dict[K, tuple[int, ...]] = {}
        self._slots: ChunkedList[Any] = ChunkedList()
        self._live = 0
        for key, value in items:
            self[key] = value

    @classmethod
    def of_blocks(cls, blocks: Iterable[tuple[list[K | None], Iterable[V]]],
                  gone: Iterable[K] = (), written: Mapping[K, V] | None = None
                  ) -> ChunkedMap[K, V]:
        """A map of slots given in blocks, in order: each a list of keys (None for a
        deleted slot) and the values in the same order, so that its slot numbers are
        those of the map they were read from. One pass over `blocks`, which may be a
        generator (a snapshot read lets a viewer's keys through between its texts:
        `domain.state_codec.decode`); entries and index built by `zip`, in C (a Python
        loop per slot took ~0.1 s for the 4·10^5 stances of a 10^6-step state). Then the
        keys `gone` are deleted and the entries `written` set, in their order (a partial
        snapshot's changes, `domain.state_delta`), before the slots are chunked."""
        out: ChunkedMap[K, V] = cls.__new__(cls)
        entries: list[Any] = []
        index: dict[Any, tuple[int, ...]] = {}
        for keys, values in blocks:
            start = len(entries)
            entries += zip(keys, values, strict=True)
            index.update(zip(keys, zip(range(start, len(entries))), strict=True))
            if None in index:  # deleted slots
                del index[None]
                for n in range(start, len(entries)):
                    if entries[n][0] is None:
                        entries[n] = _GONE
        for key in gone:
            entries[index.pop(key)[-1]] = _GONE
        for key, value in (written or {}).items():
            used = index.get(key)
            if used is None:
                index[key] = (len(entries),)
                entries.append((key, value))
            else:
                entries[used[-1]] = (key, value)
        out._slots = ChunkedList.of(entries)
        out._index = index
        out._live = len(index)
        return out

    def slots(self) -> Iterator[tuple[K, V] | None]:
        """Every slot in order: (key, value), or None where a key was deleted."""
        return (None if entry is _GONE else entry for entry in self._slots)

    def _ready(self) -> None:
        """Make the slots readable: nothing to do here (`domain.deferred.DeferredMap`
        builds them on its first read); for readers of the slots outside the class."""

    def copy(self) -> ChunkedMap[K, V]:
        """A copy that shares the frozen chunks and the key index (O(len / CHUNK))."""
        other: ChunkedMap[K, V] = ChunkedMap.__new__(ChunkedMap)
        other._index = self._index
        other._slots = self._slots.copy()
        other._live = self._live
        return other

    def entry(self, n: int) -> Any:
        """Slot `n` (< the slots used): (key, value), as `slot_of` finds it. Slots are only
        appended or overwritten, so every chunk holds CHUNK of them: no walk."""
        slots = self._slots
        start = slots._len - len(slots._tail)
        if n >= start:
            return slots._tail[n - start]
        block, rest = divmod(n, CHUNK * BLOCK)
        if block < len(slots._blocks):
            return slots._blocks[block][rest // CHUNK][rest % CHUNK]
        rest = n - len(slots._blocks) * CHUNK * BLOCK
        return slots._chunks[rest // CHUNK][rest % CHUNK]

    _entry = entry

    def _find(self, key: K) -> tuple[int, Any]:
        """The slot number holding `key` and its entry (key, value), or (-1, None)."""
        slots = self._index.get(key)
        if slots is not None:
            used = self._slots._len
            for n in reversed(slots):
                if n < used:
                    entry = self._entry(n)
                    if entry is not _GONE and entry[0] == key:
                        return n, entry
        return -1, None

    def _slot(self, key: K) -> int:
        """The slot number holding `key`, or -1."""
        return self._find(key)[0]

    def __getitem__(self, key: K) -> V:
        n, entry = self._find(key)
        if n < 0:
            raise KeyError(key)
        value: V = entry[1]
        return value

    def get(self, key: K, default: Any = None) -> Any:
        """The value of `key`, or `default`."""
        n, entry = self._find(key)
        return default if n < 0 else entry[1]

    def __contains__(self, key: object) -> bool:
        return self._slot(key) >= 0  # type: ignore[arg-type]

    def __setitem__(self, key: K, value: V) -> None:
        n = self._slot(key)
        if n >= 0:
            self._slots[n] = (key, value)
            return
        n = self._slots._len
        self._slots.append((key, value))
        used = self._index.get(key)
        if used is None:
            self._index[key] = (n,)
        elif n not in used:
            self._index[key] = (*used, n)
        self._live += 1

    def __delitem__(self, key: K) -> None:
        n = self._slot(key)
        if n < 0:
            raise KeyError(key)
        self._slots[n] = _GONE
        self._live -= 1

    def __len__(self) -> int:
        return self._live

    def __iter__(self) -> Iterator[K]:
        return (entry[0] for entry in self._slots if entry is not _GONE)

    def items(self) -> Iterator[tuple[K, V]]:  # type: ignore[override]
        """(key, value) in insertion order."""
        return (entry for entry in self._slots if entry is not _GONE)

    def values(self) -> Iterator[V]:  # type: ignore[override]
        """Values in insertion order."""
        return (entry[1] for entry in self._slots if entry is not _GONE)

    def __repr__(self) -> str:
        return f"ChunkedMap({dict(self.items())!r})"


def slot_of(mapping: ChunkedMap[K, V], key: K) -> int:
    """The slot number of `key` in `mapping` (its place in insertion order), or -1."""
    return mapping._slot(key)


def found(mapping: ChunkedMap[K, V], keys: Iterable[K]) -> Iterator[tuple[int, K, V]]:
    """(slot number, key, value) of each of `keys` present in `mapping`, in the order of
    `keys`, one lookup each, as they are asked for (a reader can stop early)."""
    for key in keys:
        n, entry = mapping._find(key)
        if n >= 0:
            yield n, key, entry[1]


def differing_keys(a: ChunkedMap[K, V], b: ChunkedMap[K, V]) -> set[K]:
    """Keys whose entry differs between two copies of one map (present in one only, or
    with another value object): O(chunks + changed chunks), as the chunks both still
    share are skipped by identity."""
    out: set[K] = set()
    a._ready()
    b._ready()
    # both cut at the same places (slots are only appended or overwritten): chunk k of
    # block n holds the same slots in both, the open block's chunks and then the tail
    # standing as block number len(blocks); blocks both share are skipped whole
    blocks_a = [*a._slots._blocks, (*a._slots._chunks, tuple(a._slots._tail))]
    blocks_b = [*b._slots._blocks, (*b._slots._chunks, tuple(b._slots._tail))]
    for n in range(max(len(blocks_a), len(blocks_b))):
        block_a = blocks_a[n] if n < len(blocks_a) else ()
        block_b = blocks_b[n] if n < len(blocks_b) else ()
        if block_a is block_b:
            continue
        for k in range(max(len(block_a), len(block_b))):
            x = block_a[k] if k < len(block_a) else ()
            y = block_b[k] if k < len(block_b) else ()
            if x is y:
                continue
            for i in range(max(len(x), len(y))):
                ex = x[i] if i < len(x) else _GONE
                ey = y[i] if i < len(y) else _GONE
                # copies of one map share their entries: identity tells them apart; a map
                # read back from a snapshot has entries of its own, equal where unchanged
                if ex is not ey and ex != ey:
                    out.update(e[0] for e in (ex, ey) if e is not _GONE)
    return out


def last_items(mapping: MutableMapping[K, V], count: int) -> list[tuple[K, V]]:
    """The last `count` (key, value) pairs in insertion order, without walking the rest
    of a ChunkedMap."""
    if not isinstance(mapping, ChunkedMap):
        return list(mapping.items())[-count:] if count else []
    out: list[tuple[K, V]] = []
    mapping._ready()
    for entry in reversed(mapping._slots):
        if len(out) >= count:
            break
        if entry is not _GONE:
            out.append(entry)
    out.reverse()
    return out
