#!/usr/bin/env python3
"""Independent reader and verifier of rtb-verify ledgers (formats 1 and 2), written from
docs/ledger-format.md. Needs Python 3.8+ and the `zstandard` package.

    python3 tools/ledger_reader.py LEDGER [--json] [--schema FILE ...]

Checks the header and genesis hash, the tables' columns and every value's type, every frame
(link, sequence continuity, zstd size, hash, events decoded with the model's event schema and
their count), the checkpoints (each, and that none required is missing), the head and, for a
finished recording, the market digest. The event schema comes from the generated reader
tables: tools/event_schema.json (the RTB markets, whose format-1 headers name no model), any
Sources/*/events.reader.json and Tests/*/events.reader.json (format 2 headers name their model;
the test model's is Tests/BankModel/events.reader.json), plus any given with --schema. Prints "intact HEADHASH" or "broken: LOCATION:
reason", then "events N", "frames N", "kind NAME COUNT" per kind and "scenario S NAME COUNT"
per scenario and kind, all for the intact prefix. Exit: 0 intact, 12 broken, 1 cannot open.
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
REQUIRED_MIGRATIONS = ["0001-ledger-tables", "0002-append-only"]
OPTIONAL_MIGRATIONS = ["0003-measurements"]
MAGIC = b"RTBV-LEDGER"
NO_CHECKPOINTS = 1 << 30
# The columns of every table, in order (section 2), and the type each value must have.
COLUMNS = {
    "header": ["id", "format_version", "header_bytes", "genesis_hash"],
    "frames": ["frame_index", "first_sequence", "event_count", "raw_size", "prev_hash", "hash",
               "codec", "payload"],
    "checkpoints": ["frame_count", "next_sequence", "frame_hash", "state_size", "state_digest",
                    "codec", "payload"],
    "head": ["id", "frame_count", "event_count", "head_hash", "finished", "market_digest"],
}
MEASUREMENT_COLUMNS = ["id", "sequence", "name", "value", "unit"]
TYPED = [  # (label, key column, table, {column: allowed typeof values})
    ("frame", "frame_index", "frames",
     {"frame_index": "integer", "first_sequence": "integer", "event_count": "integer",
      "raw_size": "integer", "prev_hash": "blob", "hash": "blob", "codec": "integer",
      "payload": "blob"}),
    ("checkpoint after frame count", "frame_count", "checkpoints",
     {"frame_count": "integer", "next_sequence": "integer", "frame_hash": "blob",
      "state_size": "integer", "state_digest": "blob", "codec": "integer", "payload": "blob"}),
    ("head", "id", "head",
     {"frame_count": "integer", "event_count": "integer", "head_hash": "blob",
      "finished": "integer", "market_digest": ("blob", "null")}),
    ("header", "id", "header",
     {"format_version": "integer", "header_bytes": "blob", "genesis_hash": "blob"}),
]
MAX_I63, MAX_I31 = (1 << 63) - 1, (1 << 31) - 1
FRAME_LIMIT, STATE_LIMIT, CHUNK = 1 << 28, 1 << 30, 1 << 16
SCENARIOS = ["a", "b", "c", "run"]
DCTX = zstandard.ZstdDecompressor()


class Broken(Exception):
    """The ledger is not intact: malformed bytes, a failed check or a damaged value."""


def require(ok, message):
    if not ok:
        raise Broken(message)


class Canonical:
    """Reader of the canonical encoding; rejects truncation, non-minimal and oversized varints."""

    __slots__ = ("data", "pos", "end")

    def __init__(self, data):
        self.data, self.pos, self.end = data, 0, len(data)

    def u8(self):
        if self.pos >= self.end:
            raise Broken(f"truncated at byte {self.pos}")
        self.pos += 1
        return self.data[self.pos - 1]

    def raw(self, count):
        if self.end - self.pos < count:
            raise Broken(f"truncated at byte {self.pos}: needed {count} bytes")
        self.pos += count
        return bytes(self.data[self.pos - count:self.pos])

    def varint(self):
        data, pos, start, value, shift = self.data, self.pos, self.pos, 0, 0
        while True:
            if pos >= self.end:
                raise Broken(f"truncated varint at byte {start}")
            byte = data[pos]
            pos += 1
            if shift == 63 and byte > 1:
                raise Broken(f"varint over 64 bits at byte {start}")
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                if byte == 0 and shift:
                    raise Broken(f"non-minimal varint at byte {start}")
                self.pos = pos
                return value
            shift += 7

    def bounded(self, limit):
        at, value = self.pos, self.varint()
        if value > limit:
            raise Broken(f"value {value} at byte {at} exceeds {limit}")
        return value

    def int63(self):
        return self.bounded(MAX_I63)

    def bytes(self):
        return self.raw(self.bounded(MAX_I31))

    def bool(self):
        value = self.u8()
        if value > 1:
            raise Broken(f"invalid boolean {value} at byte {self.pos - 1}")
        return value

    def int_rows(self):
        """An int-rows table, flattened row by row: columns, rows, the zero-column mask, then the
        values of the columns outside it. Only the writer's form is accepted."""
        columns = self.varint()
        if not 1 <= columns <= 64:
            raise Broken(f"int rows with {columns} columns before byte {self.pos}")
        rows = self.bounded((1 << 24) // columns)
        mask = self.varint()
        full = (1 << columns) - 1
        if mask & ~full or (rows == 0 and mask):
            raise Broken(f"invalid zero-column mask {mask} before byte {self.pos}")
        used = [column for column in range(columns) if not mask >> column & 1]
        if rows * len(used) > self.end - self.pos:
            raise Broken(f"truncated int rows before byte {self.pos}: {rows} rows of {len(used)} values")
        values, nonzero = [0] * (rows * columns), set()
        for row in range(rows):
            for column in used:
                value = zigzag(self.varint())
                values[row * columns + column] = value
                if value:
                    nonzero.add(column)
        if rows and len(nonzero) != len(used):
            raise Broken(f"int rows: a column outside the mask holds only zeros, before byte {self.pos}")
        return values

    def agent(self):
        code = self.varint()
        if code & 3 == 3 or code >> 2 > MAX_I31:
            raise Broken(f"invalid agent code {code} before byte {self.pos}")
        return code


WIRE = {"id": Canonical.int63, "count": Canonical.int63, "micros": Canonical.int63,
        "ppm": Canonical.int63, "cents": Canonical.int63, "day": Canonical.int63,
        "u64": Canonical.varint, "mask": lambda r: r.bounded(0xFFFF), "bool": Canonical.bool,
        "agent": Canonical.agent, "digest": lambda r: r.raw(32), "bytes": Canonical.bytes,
    "string": lambda r: r.bytes().decode("utf-8"),
        "real": lambda r: struct.unpack("<d", r.raw(8))[0],
        "reals": lambda r: [struct.unpack("<d", r.raw(8))[0] for _ in range(r.bounded(1 << 24))],
        "ints": lambda r: [zigzag(r.varint()) for _ in range(r.bounded(1 << 24))],
        "signed": lambda r: zigzag(r.varint()),
        "int-rows": Canonical.int_rows,
        "bids": lambda r: [(r.int63(), r.int63()) for _ in range(r.bounded(1 << 16))]}


def zigzag(raw):
    """A signed varint's value."""
    return (raw >> 1) ^ -(raw & 1)


def enum_reader(name, size):
    def read(r):
        code = r.u8()
        if code >= size:
            raise Broken(f"unknown {name} code {code} at byte {r.pos - 1}")
        return code
    return read


def schema_files(extra):
    """The generated reader tables this reader knows, plus any given on the command line."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    found = [os.path.join(root, "tools", "event_schema.json")]
    for folder in ("Sources", "Tests"):
        base = os.path.join(root, folder)
        for name in sorted(os.listdir(base)) if os.path.isdir(base) else []:
            candidate = os.path.join(base, name, "events.reader.json")
            if os.path.isfile(candidate):
                found.append(candidate)
    return found + list(extra)


def load_schema(model, version, files):
    """For `model`: kind number -> (name, field readers, field names), the envelope, and the
    digest's exclusion test (events the model leaves out of its digest)."""
    for path in files:
        with open(path, encoding="utf-8") as handle:
            schema = json.load(handle)
        if model in schema.get("models", ["rtb-market", "rtb-scale"]):
            break
    else:
        raise Broken(f"header: no event schema for model {model}")
    known = schema.get("event_schema_version", 1)
    require(version == known, f"header: event schema {version}, this reader knows {known} for {model}")
    enums, kinds = schema["enums"], {}
    for event in schema["events"]:
        readers = [enum_reader(wire[5:], len(enums[wire[5:]])) if wire.startswith("enum:") else WIRE[wire]
                   for _, wire in event["fields"]]
        kinds[event["kind"]] = (event["name"], readers, [name for name, _ in event["fields"]])
    rules = []
    for rule in schema.get("digest_exclusions", []):
        fields = next(e for e in schema["events"] if e["name"] == rule["event"])["fields"]
        if "field" in rule:
            wire = dict((name, wire) for name, wire in fields)[rule["field"]]
            rules.append((rule["event"], rule["field"], enums[wire[5:]].index(rule["value"])))
        else:
            rules.append((rule["event"], None, None))

    def excluded(name, fields, values):
        return any(name == event and (field is None or values[fields.index(field)] == value)
                   for event, field, value in rules)
    return kinds, schema.get("envelope", "kind6-scenario2"), excluded


class ChunkedDigest:
    """SHA-256 chained over 64 KiB chunks, finalised with the tail and the total length."""

    def __init__(self):
        self.chain, self.tail, self.total = bytes(32), bytearray(), 0

    def update(self, data):
        self.total += len(data)
        self.tail += data
        full = len(self.tail) - len(self.tail) % CHUNK
        for offset in range(0, full, CHUNK):
            self.chain = hashlib.sha256(self.chain + self.tail[offset:offset + CHUNK]).digest()
        del self.tail[:full]

    def finalize(self):
        return hashlib.sha256(self.chain + bytes(self.tail) + struct.pack("<Q", self.total)).digest()


def blob(value):
    """A column read with CAST(... AS BLOB) as bytes (NULL = empty)."""
    return bytes(value or b"")


def expand(payload, size, limit):
    """Decompresses one zstd frame that must expand to exactly `size` bytes."""
    require(isinstance(size, int) and 0 <= size <= limit, f"declared size {size} out of range")
    try:
        declared = zstandard.frame_content_size(payload)
        require(declared in (-1, size), f"zstd frame expands to {declared} bytes, expected {size}")
        data = DCTX.decompress(payload, max_output_size=size, allow_extra_data=False)
    except zstandard.ZstdError as error:
        raise Broken(f"not a valid zstd frame ({error})") from None
    require(len(data) == size, f"zstd frame expands to {len(data)} bytes, expected {size}")
    return data


def check_header(db):
    """Opening checks (steps 2-6 and 21 of the verification algorithm); returns the genesis hash
    and the model (format 2: named by the header; format 1: rtb-scale when the config starts
    with its tag byte 'S', rtb-market otherwise)."""
    application = db.execute("PRAGMA application_id").fetchone()[0]
    require(application == APPLICATION_ID, "not a ledger: SQLite application id is not RTBV")
    names = [row[0] for row in db.execute("SELECT name FROM migrations ORDER BY position")]
    known = REQUIRED_MIGRATIONS + OPTIONAL_MIGRATIONS
    require(names[:2] == REQUIRED_MIGRATIONS and names == known[:len(names)],
            f"not a ledger of a known format: migrations {','.join(map(str, names))}")
    tables = dict(COLUMNS)
    if len(names) > len(REQUIRED_MIGRATIONS):
        tables["measurements"] = MEASUREMENT_COLUMNS
    for table, expected in tables.items():
        columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
        require(columns, f"not a ledger: damaged schema: table {table} is missing")
        require(columns == expected, f"not a ledger: damaged schema: table {table} has columns "
                                     f"{','.join(columns)}, expected {','.join(expected)}")
    row = db.execute("SELECT format_version, CAST(header_bytes AS BLOB), CAST(genesis_hash AS BLOB) "
                     "FROM header WHERE id = 1").fetchone()
    require(row is not None, "not a ledger: no header row")
    version = db.execute("PRAGMA user_version").fetchone()[0]
    require(row[0] in (1, 2) and version == row[0], f"header: unsupported format version {row[0]}/{version}")
    header = blob(row[1])
    model = "rtb-market"
    try:
        r = Canonical(header)
        require(r.bytes() == MAGIC and r.varint() == row[0], "magic is not RTBV-LEDGER or the format differs")
        r.bytes().decode("utf-8")  # engine version
        if row[0] == 2:
            model = r.bytes().decode("utf-8")
            require(model != "" and r.varint() <= 0xFFFFFFFF, "bad model name or version")
        schema_version = r.varint()
        config = r.bytes()
        if row[0] == 1:
            # Format 1 names no model: the scale config starts with its tag byte 'S', the market
            # config with its version byte (1 to 4).
            require(config[:1] in (b"S", b"\x01", b"\x02", b"\x03", b"\x04"),
                    "format 1 config belongs to no known model")
            model = "rtb-scale" if config[:1] == b"S" else "rtb-market"
        target, every = r.varint(), r.varint()
        require(1 <= target <= 1 << 26 and 1 <= every <= NO_CHECKPOINTS and r.pos == r.end,
                "bad frame target, checkpoint interval or trailing bytes")
    except (Broken, UnicodeDecodeError) as error:
        raise Broken(f"header: malformed: {error}") from None
    genesis = hashlib.sha256(header).digest()
    require(blob(row[2]) == genesis, "header: genesis hash does not match the header bytes")
    return genesis, model, schema_version, every


def check_column_types(db):
    """Every value has its column's type (SQLite does not enforce declared types, and a hash
    stored as TEXT would still compare equal once cast)."""
    for label, key, table, types in TYPED:
        conditions = " OR ".join(
            f"typeof({column}) NOT IN ({', '.join(repr(t) for t in (allowed if isinstance(allowed, tuple) else (allowed,)))})"
            for column, allowed in types.items())
        row = db.execute(f"SELECT {key} FROM {table} WHERE {conditions} ORDER BY {key} LIMIT 1").fetchone()
        require(row is None, f"{label} {row and row[0]}: a value does not have its column's type")


def check_required_checkpoints(db, report, every):
    """Step 22: a checkpoint every `every` frames below the last, and after the last when the
    recording is finished."""
    if every == NO_CHECKPOINTS or report["frames"] == 0:
        return
    stored = {row[0] for row in db.execute("SELECT frame_count FROM checkpoints")}
    required = list(range(every, report["frames"], every))
    if report["finished"]:
        required.append(report["frames"])
    missing = [count for count in required if count not in stored]
    require(not missing, f"checkpoint after frame {missing[0] - 1 if missing else 0}: missing "
                         f"(one is taken every {every} frames and at the end)")


def decode_frame(raw, count, schema):
    """Decodes every event of a frame; returns a Counter of (scenario, kind) and the digest parts.
    Events of a `varint-kind` model count under the scenario "-"."""
    kinds, envelope, excluded = schema
    r, tally, parts, cursor, seen = Canonical(raw), Counter(), [], 0, 0
    view = memoryview(raw)
    while r.pos < r.end:
        start = r.pos
        if envelope == "kind6-scenario2":
            head = r.u8()
            kind, scenario = head & 0x3F, SCENARIOS[head >> 6]
        else:
            kind, scenario = r.varint(), "-"
        if kind not in kinds:
            raise Broken(f"event bytes do not decode: unknown kind {kind} at byte {start}")
        name, readers, fields = kinds[kind]
        try:
            r.int63()  # tick
            values = [read(r) for read in readers]
        except (Broken, UnicodeDecodeError) as error:
            raise Broken(f"event bytes do not decode: {name} at byte {start}: {error}") from None
        tally[(scenario, name)] += 1
        seen += 1
        if excluded(name, fields, values):
            parts.append(view[cursor:start])
            cursor = r.pos
    parts.append(view[cursor:])
    require(seen == count, f"holds {seen} events, its row says {count}")
    return tally, parts


def walk_frames(db, report, schema, market):
    """Steps 7-14; returns (hash, end sequence) per frame and updates `report`."""
    chain, link = [], report["link"]
    for row in db.execute("SELECT frame_index, first_sequence, event_count, raw_size, "
                          "CAST(prev_hash AS BLOB), CAST(hash AS BLOB), codec, CAST(payload AS BLOB) "
                          "FROM frames ORDER BY frame_index"):
        index, (_, first, count, size, prev, stored, codec, payload) = len(chain), row
        try:
            require(row[0] == index, f"expected frame {index} here (a frame is missing or out of order)")
            require(all(isinstance(value, int) and value >= 0 for value in (first, count, size)),
                    "negative or non-integer count")
            require(blob(prev) == link, f"previous hash does not link to frame {index - 1}")
            require(first == report["events"],
                    f"starts at event {first}, expected {report['events']} (sequence gap)")
            require(codec == 1, f"unknown codec {codec}")
            raw = expand(blob(payload), size, FRAME_LIMIT)
            hasher = hashlib.sha256(link + struct.pack("<QQQ", index, first, count))
            hasher.update(raw)
            require(hasher.digest() == blob(stored), "hash mismatch: content or hash column altered")
            tally, parts = decode_frame(raw, count, schema)
        except Broken as error:
            raise Broken(f"frame {row[0] if isinstance(row[0], int) else index}: {error}") from None
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
            "SELECT frame_count, next_sequence, CAST(frame_hash AS BLOB), state_size, "
            "CAST(state_digest AS BLOB), codec FROM checkpoints ORDER BY frame_count").fetchall():
        where = f"checkpoint after frame {frames - 1 if isinstance(frames, int) else frames}"
        require(isinstance(frames, int) and 1 <= frames <= len(chain),
                f"{where}: refers to a frame the ledger does not have")
        require((blob(frame_hash), next_sequence) == chain[frames - 1],
                f"{where}: does not match the frame it follows")
        payload = db.execute("SELECT CAST(payload AS BLOB) FROM checkpoints WHERE frame_count = ?",
                             (frames,)).fetchone()[0]
        try:
            require(codec == 1, f"unknown codec {codec}")
            state = expand(blob(payload), size, STATE_LIMIT)
        except Broken as error:
            raise Broken(f"{where}: payload: {error}") from None
        require(hashlib.sha256(state).digest() == blob(digest), f"{where}: state digest mismatch")
        report["checkpoints"] += 1


def check_head(db, report, market):
    """Steps 18-20."""
    row = db.execute("SELECT frame_count, event_count, CAST(head_hash AS BLOB), finished, "
                     "CAST(market_digest AS BLOB) FROM head WHERE id = 1").fetchone()
    if row is None:
        require(report["frames"] == 0, f"head: missing although {report['frames']} frames exist")
        return
    frames, events, head_hash, finished, market_digest = row
    report["finished"] = finished not in (0, None)
    require(frames == report["frames"], f"head: says {frames} frames but {report['frames']} exist")
    require(events == report["events"],
            f"head: says {events} events but the frames hold {report['events']}")
    require(blob(head_hash) == report["link"], "head: hash does not match the last frame")
    require(not report["finished"] or blob(market_digest) == market.finalize(),
            "head: market digest does not match the events")


def verify(db, schemas=()):
    """Runs every check; returns the report (problem is None when the ledger is intact)."""
    report = {"link": None, "frames": 0, "events": 0, "checkpoints": 0, "finished": False,
              "by_scenario": Counter(), "problem": None, "model": None}
    try:
        report["link"], report["model"], version, every = check_header(db)
        schema = load_schema(report["model"], version, schema_files(schemas))
        check_column_types(db)
        market = ChunkedDigest()
        chain = walk_frames(db, report, schema, market)
        check_checkpoints(db, report, chain)
        check_head(db, report, market)
        check_required_checkpoints(db, report, every)
    except Broken as problem:
        report["problem"] = str(problem)
    except sqlite3.DatabaseError as error:  # not SQLite, damaged pages, missing tables or columns
        report["problem"] = f"not a ledger or damaged database: {error}"
    return report


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
                          "model": report["model"],
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
    parser.add_argument("--schema", action="append", default=[],
                        help="another generated reader table (events.reader.json) to consult")
    args = parser.parse_args()
    if not os.path.isfile(args.ledger) or not os.access(args.ledger, os.R_OK):
        reason = "no such file" if not os.path.exists(args.ledger) else "not a readable file"
        print(f"{args.ledger}: cannot open: {reason}", file=sys.stderr)
        return 1
    db = sqlite3.connect(f"file:{urllib.parse.quote(os.path.abspath(args.ledger))}?mode=ro", uri=True)
    report = verify(db, args.schema)
    db.close()
    print_report(report, args.json)
    return 12 if report["problem"] else 0


if __name__ == "__main__":
    sys.exit(main())
