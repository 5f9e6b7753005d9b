#!/usr/bin/env python3
"""Independent reader and verifier of rtb-verify ledgers (format 1).

Written from docs/ledger-format.md, not from the Swift sources. It opens the SQLite file
read-only, checks the header and genesis hash, walks every frame (link, sequence continuity,
zstd size, frame hash), decodes every event with tools/event_schema.json, checks each frame's
event count, the checkpoints, the head row and, for a finished recording, the market digest.

    python3 tools/ledger_reader.py LEDGER [--json]

Text output: "intact HEADHASH" or "broken: LOCATION: reason", then "events N", "frames N",
one "kind NAME COUNT" line per kind and one "scenario S NAME COUNT" line per scenario and
kind. Counts and the head hash cover the intact prefix. Exit status: 0 intact, 12 broken,
1 if the file cannot be opened. Needs Python 3.8+ and the `zstandard` package.
"""
import argparse
import hashlib
import json
import os
import sqlite3
import struct
import sys
import urllib.parse
from collections import Counter

import zstandard

APPLICATION_ID = 0x52544256  # "RTBV"
MIGRATIONS = ["0001-ledger-tables", "0002-append-only"]
MAGIC = b"RTBV-LEDGER"
MAX_I63, MAX_I31 = (1 << 63) - 1, (1 << 31) - 1
FRAME_LIMIT, STATE_LIMIT, CHUNK = 1 << 28, 1 << 30, 1 << 16
SCENARIOS = ["a", "b", "c", "run"]
DCTX = zstandard.ZstdDecompressor()


class Broken(Exception):
    """The ledger is not intact; the message is "LOCATION: reason"."""


class CannotOpen(Exception):
    """The file is missing or unreadable."""


class DecodeError(Exception):
    """Canonical bytes (or a stored blob) are malformed."""


class Canonical:
    """Reader of the canonical encoding; rejects truncation, non-minimal and oversized varints."""

    __slots__ = ("data", "pos", "end")

    def __init__(self, data):
        self.data, self.pos, self.end = data, 0, len(data)

    def u8(self):
        if self.pos >= self.end:
            raise DecodeError(f"truncated at byte {self.pos}")
        self.pos += 1
        return self.data[self.pos - 1]

    def raw(self, count):
        if self.end - self.pos < count:
            raise DecodeError(f"truncated at byte {self.pos}: needed {count} bytes")
        self.pos += count
        return bytes(self.data[self.pos - count:self.pos])

    def varint(self):
        data, pos, start, value, shift = self.data, self.pos, self.pos, 0, 0
        while True:
            if pos >= self.end:
                raise DecodeError(f"truncated varint at byte {start}")
            byte = data[pos]
            pos += 1
            if shift == 63 and byte > 1:
                raise DecodeError(f"varint over 64 bits at byte {start}")
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                if byte == 0 and shift:
                    raise DecodeError(f"non-minimal varint at byte {start}")
                self.pos = pos
                return value
            shift += 7

    def bounded(self, limit):
        at, value = self.pos, self.varint()
        if value > limit:
            raise DecodeError(f"value {value} at byte {at} exceeds {limit}")
        return value

    def int63(self):
        return self.bounded(MAX_I63)

    def bytes(self):
        return self.raw(self.bounded(MAX_I31))

    def bool(self):
        value = self.u8()
        if value > 1:
            raise DecodeError(f"invalid boolean {value} at byte {self.pos - 1}")
        return value

    def agent(self):
        code = self.varint()
        if code & 3 == 3 or code >> 2 > MAX_I31:
            raise DecodeError(f"invalid agent code {code} at byte {self.pos - 1}")
        return code

    def bids(self):
        return [(self.int63(), self.int63()) for _ in range(self.bounded(1 << 16))]


WIRE = {"id": Canonical.int63, "count": Canonical.int63, "micros": Canonical.int63,
        "ppm": Canonical.int63, "cents": Canonical.int63, "day": Canonical.int63,
        "u64": Canonical.varint, "mask": lambda r: r.bounded(0xFFFF), "bool": Canonical.bool,
        "agent": Canonical.agent, "digest": lambda r: r.raw(32), "bytes": Canonical.bytes,
        "bids": Canonical.bids}


def enum_reader(name, size):
    def read(r):
        code = r.u8()
        if code >= size:
            raise DecodeError(f"unknown {name} code {code} at byte {r.pos - 1}")
        return code
    return read


def load_schema():
    """Kind number -> (name, field readers, field names); and the market digest's exclusion test."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "event_schema.json")
    with open(path, encoding="utf-8") as handle:
        schema = json.load(handle)
    enums, kinds = schema["enums"], {}
    for event in schema["events"]:
        readers = [enum_reader(wire[5:], len(enums[wire[5:]])) if wire.startswith("enum:") else WIRE[wire]
                   for _, wire in event["fields"]]
        kinds[event["kind"]] = (event["name"], readers, [name for name, _ in event["fields"]])
    kill = enums["RecoveryTrigger"].index("kill")

    def excluded(name, fields, values):
        return name == "AgentKilled" or (name == "Recovery" and values[fields.index("trigger")] == kill)
    return kinds, excluded


class ChunkedDigest:
    """SHA-256 chained over 64 KiB chunks, finalised with the tail and the total length."""

    def __init__(self):
        self.chain, self.tail, self.total = bytes(32), bytearray(), 0

    def update(self, data):
        self.total += len(data)
        self.tail += data
        full = len(self.tail) - len(self.tail) % CHUNK
        for offset in range(0, full, CHUNK):
            hasher = hashlib.sha256(self.chain)
            hasher.update(self.tail[offset:offset + CHUNK])
            self.chain = hasher.digest()
        del self.tail[:full]

    def finalize(self):
        return hashlib.sha256(self.chain + bytes(self.tail) + struct.pack("<Q", self.total)).digest()


def blob(value):
    """A column as bytes, as SQLite stores it whatever the declared type (NULL = empty)."""
    return value.encode("utf-8") if isinstance(value, str) else bytes(value or b"")


def expand(payload, size, limit):
    """Decompresses one zstd frame that must expand to exactly `size` bytes."""
    if not isinstance(size, int) or not 0 <= size <= limit:
        raise DecodeError(f"declared size {size} out of range")
    try:
        declared = zstandard.frame_content_size(payload)
        if declared not in (-1, size):
            raise DecodeError(f"zstd frame expands to {declared} bytes, expected {size}")
        data = DCTX.decompress(payload, max_output_size=size, allow_extra_data=False)
    except zstandard.ZstdError as error:
        raise DecodeError(f"not a valid zstd frame ({error})") from None
    if len(data) != size:
        raise DecodeError(f"zstd frame expands to {len(data)} bytes, expected {size}")
    return data


def check_header(db):
    """Opening checks (steps 2-6 and 21 of the verification algorithm); returns the genesis hash."""
    try:
        application = db.execute("PRAGMA application_id").fetchone()[0]
    except sqlite3.DatabaseError:
        raise Broken("not a ledger: not an SQLite database") from None
    if application != APPLICATION_ID:
        raise Broken("not a ledger: SQLite application id is not RTBV")
    try:
        names = [row[0] for row in db.execute("SELECT name FROM migrations ORDER BY position")]
    except sqlite3.DatabaseError:
        raise Broken("not a ledger: no migrations table") from None
    if names != MIGRATIONS:
        raise Broken(f"not a ledger of format 1: migrations {','.join(map(str, names))}")
    row = db.execute("SELECT format_version, header_bytes, genesis_hash FROM header WHERE id = 1").fetchone()
    if row is None:
        raise Broken("not a ledger: no header row")
    if row[0] != 1 or db.execute("PRAGMA user_version").fetchone()[0] != 1:
        raise Broken(f"header: unsupported format version {row[0]} (this reader reads 1)")
    header = blob(row[1])
    try:
        r = Canonical(header)
        if r.bytes() != MAGIC or r.varint() != 1:
            raise DecodeError("magic is not RTBV-LEDGER or format version is not 1")
        r.bytes().decode("utf-8"), r.varint(), r.bytes()  # engine version, schema version, config
        if not 1 <= r.varint() <= 1 << 26 or not 1 <= r.varint() <= 1 << 30 or r.pos != r.end:
            raise DecodeError("bad frame target, checkpoint interval or trailing bytes")
    except (DecodeError, UnicodeDecodeError) as error:
        raise Broken(f"header: malformed: {error}") from None
    genesis = hashlib.sha256(header).digest()
    if blob(row[2]) != genesis:
        raise Broken("header: genesis hash does not match the header bytes")
    return genesis


def decode_frame(raw, count, kinds, excluded):
    """Decodes every event of a frame; returns a Counter of (scenario, kind) and the digest parts."""
    r, tally, parts, cursor, seen = Canonical(raw), Counter(), [], 0, 0
    view = memoryview(raw)
    while r.pos < r.end:
        start = r.pos
        head = r.u8()
        if head & 0x3F not in kinds:
            raise DecodeError(f"event bytes do not decode: unknown event kind {head & 0x3F} at byte {start}")
        name, readers, fields = kinds[head & 0x3F]
        try:
            r.int63()  # tick
            values = [read(r) for read in readers]
        except DecodeError as error:
            raise DecodeError(f"event bytes do not decode: {name} at byte {start}: {error}") from None
        tally[(SCENARIOS[head >> 6], name)] += 1
        seen += 1
        if excluded(name, fields, values):
            parts.append(view[cursor:start])
            cursor = r.pos
    parts.append(view[cursor:])
    if seen != count:
        raise DecodeError(f"holds {seen} events, its row says {count}")
    return tally, parts


def walk_frames(db, report, kinds, excluded, market):
    """Steps 7-14; returns (hash, end sequence) per frame and updates `report`."""
    chain, link = [], report["link"]
    for row in db.execute("SELECT frame_index, first_sequence, event_count, raw_size, prev_hash, hash, "
                          "codec, payload FROM frames ORDER BY frame_index"):
        index, (_, first, count, size, prev, stored, codec, payload) = len(chain), row
        try:
            if row[0] != index:
                raise DecodeError(f"expected frame {index} here (a frame is missing or out of order)")
            if not all(isinstance(value, int) and value >= 0 for value in (first, count, size)):
                raise DecodeError("negative or non-integer count")
            if blob(prev) != link:
                raise DecodeError(f"previous hash does not link to frame {index - 1}")
            if first != report["events"]:
                raise DecodeError(f"starts at event {first}, expected {report['events']} (sequence gap)")
            if codec != 1:
                raise DecodeError(f"unknown codec {codec}")
            raw = expand(blob(payload), size, FRAME_LIMIT)
            hasher = hashlib.sha256(link + struct.pack("<QQQ", index, first, count))
            hasher.update(raw)
            if hasher.digest() != blob(stored):
                raise DecodeError("hash mismatch: content or hash column altered")
            tally, parts = decode_frame(raw, count, kinds, excluded)
        except DecodeError as error:
            raise Broken(f"frame {index}: {error}") from None
        for part in parts:
            market.update(part)
        report["by_scenario"].update(tally)
        link = blob(stored)
        chain.append((link, first + count))
        report.update(frames=index + 1, events=first + count, link=link)
    return chain


def check_checkpoints(db, report, chain):
    """Steps 15-17."""
    for frames, next_sequence, frame_hash, size, digest, codec in db.execute(
            "SELECT frame_count, next_sequence, frame_hash, state_size, state_digest, codec "
            "FROM checkpoints ORDER BY frame_count").fetchall():
        where = f"checkpoint after frame {frames - 1 if isinstance(frames, int) else frames}"
        if not isinstance(frames, int) or not 1 <= frames <= len(chain):
            raise Broken(f"{where}: refers to a frame the ledger does not have")
        if (blob(frame_hash), next_sequence) != chain[frames - 1]:
            raise Broken(f"{where}: does not match the frame it follows")
        payload = db.execute("SELECT payload FROM checkpoints WHERE frame_count = ?", (frames,)).fetchone()[0]
        try:
            if codec != 1:
                raise DecodeError(f"unknown codec {codec}")
            state = expand(blob(payload), size, STATE_LIMIT)
        except DecodeError as error:
            raise Broken(f"{where}: payload: {error}") from None
        if hashlib.sha256(state).digest() != blob(digest):
            raise Broken(f"{where}: state digest mismatch")
        report["checkpoints"] += 1


def check_head(db, report, market):
    """Steps 18-20."""
    row = db.execute("SELECT frame_count, event_count, head_hash, finished, market_digest "
                     "FROM head WHERE id = 1").fetchone()
    if row is None:
        if report["frames"]:
            raise Broken(f"head: missing although {report['frames']} frames exist")
        return
    frames, events, head_hash, finished, market_digest = row
    report["finished"] = finished not in (0, None)
    if frames != report["frames"]:
        raise Broken(f"head: says {frames} frames but {report['frames']} exist")
    if events != report["events"]:
        raise Broken(f"head: says {events} events but the frames hold {report['events']}")
    if blob(head_hash) != report["link"]:
        raise Broken("head: hash does not match the last frame")
    if report["finished"] and blob(market_digest) != market.finalize():
        raise Broken("head: market digest does not match the events")


def verify(db):
    """Runs every check; returns the report (problem is None when the ledger is intact)."""
    kinds, excluded = load_schema()
    report = {"link": None, "frames": 0, "events": 0, "checkpoints": 0, "finished": False,
              "by_scenario": Counter(), "problem": None}
    try:
        report["link"] = check_header(db)
        market = ChunkedDigest()
        chain = walk_frames(db, report, kinds, excluded, market)
        check_checkpoints(db, report, chain)
        check_head(db, report, market)
    except Broken as problem:
        report["problem"] = str(problem)
    except sqlite3.DatabaseError as error:  # damaged pages, missing tables or columns
        report["problem"] = f"database: {error}"
    return report


def open_ledger(path):
    """Opens the file read-only; CannotOpen when it is missing or unreadable."""
    if not os.path.isfile(path):
        raise CannotOpen("no such file")
    if not os.access(path, os.R_OK):
        raise CannotOpen("permission denied")
    try:
        return sqlite3.connect(f"file:{urllib.parse.quote(os.path.abspath(path))}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise CannotOpen(str(error)) from None


def print_report(report, as_json):
    kinds = Counter()
    for (_, name), count in report["by_scenario"].items():
        kinds[name] += count
    head = report["link"].hex() if report["link"] else None
    if as_json:
        scenarios = {}
        for (scenario, name), count in sorted(report["by_scenario"].items()):
            scenarios.setdefault(scenario, {})[name] = count
        print(json.dumps({"status": "broken" if report["problem"] else "intact", "head_hash": head,
                          "frames": report["frames"], "events": report["events"],
                          "checkpoints": report["checkpoints"], "finished": report["finished"],
                          "kinds": dict(sorted(kinds.items())), "by_scenario": scenarios,
                          "problem": report["problem"]}))
        return
    print(f"broken: {report['problem']}" if report["problem"] else f"intact {head}")
    print(f"events {report['events']}\nframes {report['frames']}")
    for name in sorted(kinds):
        print(f"kind {name} {kinds[name]}")
    for (scenario, name), count in sorted(report["by_scenario"].items()):
        print(f"scenario {scenario} {name} {count}")


def main():
    parser = argparse.ArgumentParser(description="Verify a rtb-verify ledger and count its events.")
    parser.add_argument("ledger", help="ledger file (SQLite)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    try:
        db = open_ledger(args.ledger)
    except CannotOpen as error:
        print(f"{args.ledger}: cannot open: {error}", file=sys.stderr)
        return 1
    report = verify(db)
    db.close()
    print_report(report, args.json)
    return 12 if report["problem"] else 0


if __name__ == "__main__":
    sys.exit(main())
