"""The evidence of assembled facts kept in a temporary file instead of memory (``kg build``'s graph).

Every fact of a corpus carries every sentence that states it; at 100k articles
those records are a third of the assembled graph. With an :class:`EvidenceSpill`,
:func:`kg.extract.assemble.assemble_folders` writes each evidence entry to an
unnamed file as it arrives, holds only its place, and gives each fact a
:class:`DiskEvidence`: a sequence of its :class:`~kg.models.EvidenceRecord`
read back from a second file whenever a product walks it. The files have no
name from the start, so nothing is left behind, whatever happens.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar, overload

from pydantic import BaseModel

from kg.errors import OutputError
from kg.models import EvidenceRecord

M = TypeVar("M", bound=BaseModel)

#: An entry as written: the fields of EvidenceRecord in order (doc_id, sentence, start, end, extractor, confidence).
Entry = tuple[str, str, int, int, str, float]
_FIELDS = tuple(EvidenceRecord.model_fields)
_BUFFER = 1 << 20


class _File:
    """An unnamed temporary file, written through a buffer and read at any place (``os.pread``, thread-safe)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        try:
            fd, name = tempfile.mkstemp(prefix=".kg-evidence-", dir=folder)
        except OSError as exc:
            raise self._cannot(exc) from exc
        os.unlink(name)
        self.fd, self.size, self._buffer, self._buffered = fd, 0, [], 0

    def _cannot(self, exc: OSError) -> OutputError:
        where = self.folder or tempfile.gettempdir()
        return OutputError(f"cannot write the evidence file in {where} ({exc.strerror or exc}); "
                           "free disk space there or choose another output folder")

    def write(self, data: bytes) -> int:
        """Append *data*; its place (offset and length, packed)."""
        place = self.size << 32 | len(data)
        self.size += len(data)
        self._buffer.append(data)
        self._buffered += len(data)
        if self._buffered >= _BUFFER:
            self.flush()
        return place

    def flush(self) -> None:
        data, self._buffer, self._buffered = b"".join(self._buffer), [], 0
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self.fd, view):]
        except OSError as exc:
            raise self._cannot(exc) from exc

    def read(self, place: int) -> bytes:
        offset, length = place >> 32, place & 0xFFFFFFFF
        data = os.pread(self.fd, length, offset)
        if len(data) != length:
            raise OutputError(f"the evidence file in {self.folder} was cut short; build again")
        return data

    def __del__(self) -> None:
        try:
            os.close(self.fd)
        except (OSError, AttributeError):
            pass


def record(cls: type[M], values: dict[str, Any]) -> M:
    """``cls(**values)`` for *values* already of the fields' types, every field given, in field order.

    What pydantic's ``model_construct`` makes, with one fields-set shared by every record of *cls*
    (every field is set in each; pydantic copies the set before it changes a copy's): a set of nine
    names is larger than the record's values, and a graph of 100k articles holds a million records.
    """
    fields_set = _FIELDS_SET.get(cls)
    if fields_set is None:
        fields_set = _FIELDS_SET[cls] = set(cls.model_fields)
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", fields_set)
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


_FIELDS_SET: dict[type, set[str]] = {}


def _records(entries: Iterable[Entry]) -> tuple[EvidenceRecord, ...]:
    return tuple(record(EvidenceRecord, dict(zip(_FIELDS, e))) for e in entries)


class EvidenceSpill:
    """Evidence entries in arrival order (:meth:`put`), then each fact's entries together (:meth:`keep`)."""

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder
        self._arrivals: _File | None = _File(folder)
        self._facts = _File(folder)

    def put(self, entry: Entry) -> int:
        """Write one evidence entry; its place, for :meth:`records`."""
        assert self._arrivals is not None, "put after keep"
        return self._arrivals.write(pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL))

    def records(self, places: Iterable[int]) -> tuple[EvidenceRecord, ...]:
        """The records written at *places*, in their order."""
        arrivals = self._arrivals
        assert arrivals is not None, "records after the arrivals were closed"
        if arrivals._buffer:
            arrivals.flush()
        return _records(pickle.loads(arrivals.read(p)) for p in places)

    def keep(self, evidence: tuple[EvidenceRecord, ...]) -> DiskEvidence:
        """*evidence* written together in the facts' file, to be read back whenever it is walked."""
        data = pickle.dumps([tuple(e.__dict__.values()) for e in evidence], protocol=pickle.HIGHEST_PROTOCOL)
        return DiskEvidence(self._facts, self._facts.write(data), len(evidence))

    def done(self) -> None:
        """Every fact is kept: the arrivals' file goes, the facts' file is ready to read."""
        self._arrivals = None
        self._facts.flush()


class DiskEvidence(Sequence[EvidenceRecord]):
    """A fact's evidence records, read from the spill's file each time they are walked (its length is known)."""

    __slots__ = ("_count", "_file", "_place")

    def __init__(self, file: _File, place: int, count: int) -> None:
        self._file, self._place, self._count = file, place, count

    def _all(self) -> tuple[EvidenceRecord, ...]:
        return _records(pickle.loads(self._file.read(self._place)))

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[EvidenceRecord]:
        return iter(self._all())

    @overload
    def __getitem__(self, index: int) -> EvidenceRecord: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[EvidenceRecord, ...]: ...

    def __getitem__(self, index: int | slice) -> EvidenceRecord | tuple[EvidenceRecord, ...]:
        return self._all()[index]

    def __add__(self, other: Sequence[EvidenceRecord]) -> tuple[EvidenceRecord, ...]:
        return self._all() + tuple(other)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (DiskEvidence, tuple)):
            return self._all() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return f"DiskEvidence({self._count} records)"
