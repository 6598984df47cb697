"""TFRecord framing and the `tf.train.Example` protobuf, read and written without TensorFlow.

A TFRecord file is a sequence of records, each

    uint64 length (little-endian) | uint32 masked CRC32C of the length bytes
    | data[length] | uint32 masked CRC32C of the data

and each record's data is a serialized `tf.train.Example`:

    Example  { Features features = 1; }
    Features { map<string, Feature> feature = 1; }   // entries: key = 1, value = 2
    Feature  { oneof { BytesList bytes_list = 1; FloatList float_list = 2;
                       Int64List int64_list = 3; } }  // each: repeated value = 1

Floats and int64s may be packed or not; unknown fields are skipped, as protobuf does.
Both CRCs are checked on read: a mismatch or a cut-short record is a RecordError naming
the record number (from 1). CRC32C itself comes from the `crc32c` package (C code): a
pure-Python CRC over every encoded image would make imports crawl.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Mapping, Sequence
from typing import IO

import crc32c as _crc32c

#: a record larger than this is refused before it is read (a corrupt or hostile length)
MAX_RECORD_BYTES = 256 * 1024 * 1024
_MASK_DELTA = 0xA282EAD8

FeatureValue = list[bytes] | list[float] | list[int]


class RecordError(ValueError):
    """Bad bytes at a record: `record` is its number from 1."""

    def __init__(self, record: int, message: str) -> None:
        super().__init__(message)
        self.record, self.message = record, message


def masked_crc(data: bytes) -> int:
    """TFRecord's masked CRC32C: rotate right by 15 bits and add a constant."""
    crc = _crc32c.crc32c(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def read_records(stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """(record number, data) for every record, CRCs checked, one record in memory."""
    number = 0
    while True:
        number += 1
        head = stream.read(12)
        if not head:
            return
        if len(head) < 12:
            raise RecordError(number, f"the record's header is cut short ({len(head)} of "
                                      "12 bytes)")
        length_bytes, length_crc = head[:8], struct.unpack("<I", head[8:])[0]
        if masked_crc(length_bytes) != length_crc:
            raise RecordError(number, "the CRC of the record's length does not match "
                                      "(not a TFRecord file, or damaged)")
        length = struct.unpack("<Q", length_bytes)[0]
        if length > MAX_RECORD_BYTES:
            raise RecordError(number, f"the record is {length} bytes, more than the "
                                      f"{MAX_RECORD_BYTES} allowed")
        data = stream.read(length)
        footer = stream.read(4)
        if len(data) < length or len(footer) < 4:
            raise RecordError(number, f"the record is cut short (expected {length} bytes "
                                      "and its CRC)")
        if masked_crc(data) != struct.unpack("<I", footer)[0]:
            raise RecordError(number, "the CRC of the record's data does not match (damaged)")
        yield number, data


def frame(data: bytes) -> bytes:
    """One record as the file holds it."""
    length = struct.pack("<Q", len(data))
    return b"".join((length, struct.pack("<I", masked_crc(length)), data,
                     struct.pack("<I", masked_crc(data))))


# -- protobuf wire format ------------------------------------------------------------------

def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if at >= len(data):
            raise ValueError("a varint is cut short")
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, at
        shift += 7
        if shift >= 70:
            raise ValueError("a varint is longer than 10 bytes")


def _fields(data: bytes) -> Iterator[tuple[int, int, bytes | int]]:
    """(field number, wire type, value) of one message: bytes for length-delimited and
    fixed-width fields, an int for varints."""
    at = 0
    while at < len(data):
        key, at = _varint(data, at)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise ValueError("field number 0")
        if wire == 0:
            value, at = _varint(data, at)
            yield number, wire, value
            continue
        if wire == 2:
            size, at = _varint(data, at)
        elif wire in (1, 5):
            size = 8 if wire == 1 else 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        if at + size > len(data):
            raise ValueError("a field is cut short")
        yield number, wire, data[at:at + size]
        at += size


def _signed(value: int) -> int:
    value &= 0xFFFFFFFFFFFFFFFF
    return value - (1 << 64) if value >= 1 << 63 else value


def _list(kind: int, data: bytes) -> FeatureValue:
    values: list = []
    for number, wire, value in _fields(data):
        if number != 1:
            continue
        if kind == 1 and wire == 2:
            values.append(bytes(value))  # type: ignore[arg-type]
        elif kind == 2 and wire == 5:
            values.append(struct.unpack("<f", value)[0])  # type: ignore[arg-type]
        elif kind == 2 and wire == 2:
            packed = bytes(value)  # type: ignore[arg-type]
            if len(packed) % 4:
                raise ValueError("a packed float list is not a multiple of 4 bytes")
            values += struct.unpack(f"<{len(packed) // 4}f", packed)
        elif kind == 3 and wire == 0:
            values.append(_signed(value))  # type: ignore[arg-type]
        elif kind == 3 and wire == 2:
            packed, at = bytes(value), 0  # type: ignore[arg-type]
            while at < len(packed):
                item, at = _varint(packed, at)
                values.append(_signed(item))
        else:
            raise ValueError(f"a value of wire type {wire} in a "
                             f"{('bytes', 'float', 'int64')[kind - 1]} list")
    return values


def parse_example(data: bytes) -> dict[str, FeatureValue]:
    """The features of a serialized Example; ValueError on malformed bytes."""
    features: dict[str, FeatureValue] = {}
    for number, wire, outer in _fields(data):
        if number != 1 or wire != 2:
            continue
        for entry_number, entry_wire, entry in _fields(outer):  # type: ignore[arg-type]
            if entry_number != 1 or entry_wire != 2:
                continue
            key, value = None, None
            for part_number, part_wire, part in _fields(entry):  # type: ignore[arg-type]
                if part_number == 1 and part_wire == 2:
                    key = bytes(part).decode("utf-8")  # type: ignore[arg-type]
                elif part_number == 2 and part_wire == 2:
                    value = []
                    for kind, kind_wire, body in _fields(part):  # type: ignore[arg-type]
                        if kind in (1, 2, 3) and kind_wire == 2:
                            value = _list(kind, body)  # type: ignore[arg-type]
            if key is None:
                raise ValueError("a feature without a name")
            features[key] = value if value is not None else []
    return features


def _key(number: int, wire: int) -> bytes:
    return _encode_varint(number << 3 | wire)


def _encode_varint(value: int) -> bytes:
    value &= 0xFFFFFFFFFFFFFFFF
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _delimited(number: int, body: bytes) -> bytes:
    return _key(number, 2) + _encode_varint(len(body)) + body


def encode_example(features: Mapping[str, Sequence[bytes] | Sequence[float] | Sequence[int]],
                   kinds: Mapping[str, str]) -> bytes:
    """A serialized Example; `kinds` gives each feature's list ("bytes", "float", "int64").
    Features are written in name order, numbers packed, so equal input gives equal bytes."""
    entries = []
    for name in sorted(features):
        values, kind = features[name], kinds[name]
        if kind == "bytes":
            items = b"".join(_delimited(1, bytes(v)) for v in values)  # type: ignore[arg-type]
            body = _delimited(1, items)
        elif kind == "float":
            packed = struct.pack(f"<{len(values)}f", *values)
            body = _delimited(2, _delimited(1, packed) if values else b"")
        else:
            packed = b"".join(_encode_varint(int(v)) for v in values)
            body = _delimited(3, _delimited(1, packed) if values else b"")
        entry = _delimited(1, name.encode("utf-8")) + _delimited(2, body)
        entries.append(_delimited(1, entry))
    return _delimited(1, b"".join(entries))
