#!/usr/bin/env python3
"""Damages a ledger copy the way an attacker or a faulty disk would (test fixture).

Usage: tamper.py LEDGER ACTION [ARGS]. It drops the append-only triggers first, as anyone
with write access to the file can. Actions:
  flip TABLE COLUMN ROW OFFSET     flip one byte of a BLOB column in the ROW-th row (0-based)
  swap-frames A B                  exchange the contents of frames A and B
  delete-frame N                   delete frame N
  reindex-frame N NEW              give frame N the index NEW (any 64-bit integer)
  truncate-payload N               cut frame N's zstd payload in half
  garbage-payload N                replace frame N's payload with random bytes
  head-back                        move the head back one frame (keep the frames)
  truncate-chain N                 roll the ledger back to its first N frames: later frames and
                                   checkpoints deleted, the head moved to frame N-1, unfinished
                                   (a consistent earlier head)
  graft-frame OTHER                append the last frame of another ledger OTHER
  format-version V                 set the header's format version (and user_version)
  future-migration                 record a migration this build does not know
  rehash-event-byte N OFFSET       change byte OFFSET of frame N's raw events and re-hash the
                                   whole chain consistently (a valid but different history)
  engine-version TEXT              rewrite the header's engine version and re-hash everything
  model-version N                  format 2: rewrite the header's model version (N < 128) and
                                   re-hash everything
  column-type TABLE COLUMN ROW     store the ROW-th row's BLOB as TEXT of the same bytes
  drop-table TABLE                 drop a table of the schema
  delete-checkpoint N              delete the checkpoint taken after N frames
"""
import hashlib
import os
import sqlite3
import struct
import sys

import zstandard


def connect(path):
    db = sqlite3.connect(path)
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        db.execute(f"DROP TRIGGER {name}")
    return db


def frame_hash(prev, index, first, count, raw):
    return hashlib.sha256(prev + struct.pack("<QQQ", index, first, count) + raw).digest()


def rehash(db, start):
    """Recomputes hashes from frame `start` on, keeping payloads, moves the head and re-links
    the checkpoints."""
    rows = db.execute("SELECT frame_index, first_sequence, event_count, raw_size, payload FROM frames "
                      "WHERE frame_index >= ? ORDER BY frame_index", (start,)).fetchall()
    if start == 0:
        prev = db.execute("SELECT genesis_hash FROM header").fetchone()[0]
    else:
        prev = db.execute("SELECT hash FROM frames WHERE frame_index = ?", (start - 1,)).fetchone()[0]
    decompressor = zstandard.ZstdDecompressor()
    for index, first, count, raw_size, payload in rows:
        raw = decompressor.decompress(payload, max_output_size=raw_size)
        digest = frame_hash(prev, index, first, count, raw)
        db.execute("UPDATE frames SET prev_hash = ?, hash = ? WHERE frame_index = ?", (prev, digest, index))
        prev = digest
    db.execute("UPDATE head SET head_hash = ?", (prev,))
    # The strongest forger keeps the checkpoints and re-links them to the re-hashed frames (their
    # states cannot be recomputed without re-running the engine, so they stay as recorded).
    db.execute("UPDATE checkpoints SET frame_hash = (SELECT hash FROM frames "
               "WHERE frames.frame_index = checkpoints.frame_count - 1) WHERE frame_count > ?", (start,))


def main():
    path, action, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    db = connect(path)
    if action == "flip":
        table, column, row, offset = args[0], args[1], int(args[2]), int(args[3])
        rowid, value = db.execute(f"SELECT rowid, {column} FROM {table} ORDER BY rowid LIMIT 1 OFFSET ?", (row,)).fetchone()
        blob = bytearray(value)
        blob[offset % len(blob)] ^= 0x01
        db.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (bytes(blob), rowid))
    elif action == "swap-frames":
        a, b = int(args[0]), int(args[1])
        cols = "first_sequence, event_count, raw_size, prev_hash, hash, codec, payload"
        row_a = db.execute(f"SELECT {cols} FROM frames WHERE frame_index = ?", (a,)).fetchone()
        row_b = db.execute(f"SELECT {cols} FROM frames WHERE frame_index = ?", (b,)).fetchone()
        sets = ", ".join(f"{c.strip()} = ?" for c in cols.split(","))
        db.execute(f"UPDATE frames SET {sets} WHERE frame_index = ?", (*row_b, a))
        db.execute(f"UPDATE frames SET {sets} WHERE frame_index = ?", (*row_a, b))
    elif action == "delete-frame":
        db.execute("DELETE FROM frames WHERE frame_index = ?", (int(args[0]),))
    elif action == "reindex-frame":
        db.execute("UPDATE frames SET frame_index = ? WHERE frame_index = ?", (int(args[1]), int(args[0])))
    elif action == "truncate-payload":
        payload = db.execute("SELECT payload FROM frames WHERE frame_index = ?", (int(args[0]),)).fetchone()[0]
        db.execute("UPDATE frames SET payload = ? WHERE frame_index = ?", (payload[: len(payload) // 2], int(args[0])))
    elif action == "garbage-payload":
        db.execute("UPDATE frames SET payload = ? WHERE frame_index = ?", (os.urandom(64), int(args[0])))
    elif action == "truncate-chain":
        keep = int(args[0])
        last_hash, first, count = db.execute(
            "SELECT hash, first_sequence, event_count FROM frames WHERE frame_index = ?", (keep - 1,)).fetchone()
        db.execute("DELETE FROM frames WHERE frame_index >= ?", (keep,))
        db.execute("DELETE FROM checkpoints WHERE frame_count > ?", (keep,))
        db.execute("UPDATE head SET frame_count = ?, event_count = ?, head_hash = ?, finished = 0, "
                   "market_digest = NULL", (keep, first + count, last_hash))
    elif action == "head-back":
        count, = db.execute("SELECT frame_count FROM head").fetchone()
        prev, events = db.execute("SELECT hash, first_sequence + event_count FROM frames WHERE frame_index = ?",
                                  (count - 2,)).fetchone()
        db.execute("UPDATE head SET frame_count = ?, event_count = ?, head_hash = ?", (count - 1, events, prev))
    elif action == "graft-frame":
        other = sqlite3.connect(args[0])
        row = other.execute("SELECT first_sequence, event_count, raw_size, prev_hash, hash, codec, payload "
                            "FROM frames ORDER BY frame_index DESC LIMIT 1").fetchone()
        count, = db.execute("SELECT count(*) FROM frames").fetchone()
        db.execute("INSERT INTO frames VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (count, *row))
        db.execute("UPDATE head SET frame_count = frame_count + 1, event_count = event_count + ?, head_hash = ?",
                   (row[1], row[4]))
    elif action == "format-version":
        db.execute("UPDATE header SET format_version = ?", (int(args[0]),))
    elif action == "future-migration":
        db.execute("INSERT INTO migrations (position, name) VALUES (99, '0099-from-the-future')")
    elif action == "rehash-event-byte":
        index, offset = int(args[0]), int(args[1])
        raw_size, payload = db.execute("SELECT raw_size, payload FROM frames WHERE frame_index = ?", (index,)).fetchone()
        raw = bytearray(zstandard.ZstdDecompressor().decompress(payload, max_output_size=raw_size))
        raw[offset] ^= 0x01
        db.execute("UPDATE frames SET payload = ? WHERE frame_index = ?",
                   (zstandard.ZstdCompressor(level=3, write_content_size=True).compress(bytes(raw)), index))
        rehash(db, index)
    elif action == "engine-version":
        header = db.execute("SELECT header_bytes FROM header").fetchone()[0]
        magic_length = header[0]
        position = 1 + magic_length + 1  # magic (length + bytes), format version varint (1 byte)
        old_length = header[position]
        new = args[0].encode()
        header = header[:position] + bytes([len(new)]) + new + header[position + 1 + old_length:]
        db.execute("UPDATE header SET header_bytes = ?, genesis_hash = ?", (header, hashlib.sha256(header).digest()))
        rehash(db, 0)
    elif action == "model-version":
        header = db.execute("SELECT header_bytes FROM header").fetchone()[0]
        position = 1 + header[0] + 1  # magic (length + bytes), format version varint (1 byte)
        position += 1 + header[position]  # engine version
        position += 1 + header[position]  # model name
        header = header[:position] + bytes([int(args[0])]) + header[position + 1:]
        db.execute("UPDATE header SET header_bytes = ?, genesis_hash = ?", (header, hashlib.sha256(header).digest()))
        rehash(db, 0)
    elif action == "column-type":
        table, column, row = args[0], args[1], int(args[2])
        rowid, = db.execute(f"SELECT rowid FROM {table} ORDER BY rowid LIMIT 1 OFFSET ?", (row,)).fetchone()
        db.execute(f"UPDATE {table} SET {column} = CAST({column} AS TEXT) WHERE rowid = ?", (rowid,))
    elif action == "drop-table":
        db.execute(f"DROP TABLE {args[0]}")
    elif action == "delete-checkpoint":
        db.execute("DELETE FROM checkpoints WHERE frame_count = ?", (int(args[0]),))
    else:
        sys.exit(f"unknown action {action}")
    db.commit()


if __name__ == "__main__":
    main()
