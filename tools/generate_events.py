#!/usr/bin/env python3
"""Generates every model's event structs, their canonical codec and their documentation.

Each model's schema is one JSON file, the single source of truth for its event layouts:
`Sources/<Module>/events.schema.json` for the models of this package and
`Tests/<Target>/events.schema.json` for test-only models (found by those two globs). A schema
names its outputs:
  swift     the structs, encode, decode, fields, the kind and body enums (and, for models
            with the `varint-kind` envelope, the event type itself)
  doc       byte layouts for independent readers
  reader    the same table as JSON for tools/ledger_reader.py and the round-trip tests

Run `python3 tools/generate_events.py` after editing a schema; `--check` fails when a generated
file is out of date (CI runs it).

Schema keys: models (the model names whose ledgers use it), event_schema_version (the version
its ledgers' headers carry; bump it with any layout change), envelope (`kind6-scenario2`: one
byte kind | scenario << 6, then the tick, the RTB markets' format-1 layout; `varint-kind`: kind
and tick as varints, every other model), type_prefix (prefix of the generated Event, EventKind
and EventBody types; empty for the RTB markets, whose MarketEvent is hand-written), imports,
outputs, hand_written_enums, enums, digest_exclusions (events left out of the model's digest:
{"event": NAME} or {"event": NAME, "field": F, "value": ENUM_VALUE}), events (kind, name,
scenarios, doc, optional "decision": true for the event recording an outside decision, fields
as [name, wire type, description]).
"""
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Wire types: name -> (Swift type, wire description)
TYPES = {
    "id": ("Int", "varint"),
    "count": ("Int64", "varint"),
    "micros": ("Micros", "varint, micro-dollars"),
    "ppm": ("Int64", "varint, parts per million"),
    "cents": ("Int64", "varint, cents"),
    "day": ("Int", "varint, 1-based simulated day"),
    "u64": ("UInt64", "varint"),
    "bool": ("Bool", "u8: 0 or 1"),
    "agent": ("AgentRef", "varint: index << 2 | kind (0 buyer, 1 seller, 2 exchange)"),
    "mask": ("UInt16", "varint bit mask"),
    "digest": ("Digest32", "32 raw bytes"),
    "bytes": ("[UInt8]", "varint length + bytes"),
    "bids": ("[OpenBid]", "varint count, then per bid: campaign varint, cents varint"),
    "string": ("String", "varint length + UTF-8 bytes"),
    "real": ("Double", "8 bytes: the IEEE-754 binary64 bit pattern, little-endian"),
    "reals": ("[Double]", "varint count, then each value as `real`"),
    "ints": ("[Int64]", "varint count, then each value as a zigzag (signed) varint"),
    "signed": ("Int64", "zigzag (signed) varint"),
    "int-rows": ("IntRows", "varint columns (1 to 64), varint rows, varint zero-column mask (bit j set exactly when "
                 "there is a row and column j holds only zeros), then row by row the value of each column outside "
                 "the mask as a zigzag (signed) varint; at most 2^24 values"),
}


def swift_type(field_type):
    if field_type.startswith("enum:"):
        return field_type[5:]
    return TYPES[field_type][0]


def encode_line(name, field_type):
    if field_type.startswith("enum:"):
        return f"writer.u8({name}.rawValue)"
    return {
        "id": f"writer.varint(UInt64({name}))",
        "count": f"writer.varint(UInt64({name}))",
        "micros": f"writer.varint(UInt64({name}.raw))",
        "ppm": f"writer.varint(UInt64({name}))",
        "cents": f"writer.varint(UInt64({name}))",
        "day": f"writer.varint(UInt64({name}))",
        "u64": f"writer.varint({name})",
        "bool": f"writer.bool({name})",
        "agent": f"writer.varint({name}.code)",
        "mask": f"writer.varint(UInt64({name}))",
        "digest": f"writer.digest({name})",
        "bytes": f"writer.byteString({name})",
        "bids": f"writer.openBids({name})",
        "string": f"writer.string({name})",
        "real": f"writer.f64({name})",
        "reals": f"writer.reals({name})",
        "ints": f"writer.signedVarints({name})",
        "signed": f"writer.signedVarint({name})",
        "int-rows": f"writer.intRows({name})",
    }[field_type]


def decode_expr(field_type):
    if field_type.startswith("enum:"):
        enum = field_type[5:]
        return f"try reader.enumeration({enum}.self)"
    return {
        "id": "try reader.int()",
        "count": "try reader.int64()",
        "micros": "Micros(try reader.int64())",
        "ppm": "try reader.int64()",
        "cents": "try reader.int64()",
        "day": "try reader.int()",
        "u64": "try reader.varint()",
        "bool": "try reader.bool()",
        "agent": "try reader.agent()",
        "mask": "try reader.mask()",
        "digest": "try reader.digest()",
        "bytes": "try reader.byteString()",
        "bids": "try reader.openBids()",
        "string": "try reader.string()",
        "real": "try reader.f64()",
        "reals": "try reader.reals()",
        "ints": "try reader.signedVarints()",
        "signed": "try reader.signedVarint()",
        "int-rows": "try reader.intRows()",
    }[field_type]


def field_value(name, field_type):
    if field_type.startswith("enum:"):
        return f".text({name}.description)"
    return {
        "id": f".int(Int64({name}))",
        "count": f".int({name})",
        "micros": f".int({name}.raw)",
        "ppm": f".int({name})",
        "cents": f".int({name})",
        "day": f".int(Int64({name}))",
        "u64": f".unsigned({name})",
        "bool": f".bool({name})",
        "agent": f".text({name}.description)",
        "mask": f".int(Int64({name}))",
        "digest": f".text({name}.hex)",
        "bytes": f".bytes({name})",
        "bids": f".pairs({name}.map {{ FieldPair(Int64($0.campaign), $0.cents) }})",
        "string": f".text({name})",
        "real": f".real({name})",
        "reals": f".reals({name})",
        "ints": f".ints({name})",
        "signed": f".int({name})",
        "int-rows": f".ints({name}.cells)",
    }[field_type]


def json_name(name, field_type):
    snake = "".join("_" + c.lower() if c.isupper() else c for c in name)
    if field_type == "micros":
        snake += "_micros"
    return snake.replace("c_p_m", "cpm").replace("_i_d", "_id").replace("r_f_p", "rfp")


def lower_first(text):
    return text[0].lower() + text[1:]



def load_schemas():
    """Every schema file, sorted by path."""
    paths = sorted(ROOT.glob("Sources/*/events.schema.json")) + sorted(ROOT.glob("Tests/*/events.schema.json"))
    schemas = []
    for path in paths:
        schema = json.loads(path.read_text())
        schema["path"] = path
        schemas.append(schema)
    return schemas


def generate_swift(schema):
    prefix = schema["type_prefix"]
    enums, events = schema["enums"], schema["events"]
    hand_written = set(schema["hand_written_enums"])
    legacy = schema["envelope"] == "kind6-scenario2"
    kind_type, body_type, event_type = prefix + "EventKind", prefix + "EventBody", prefix + "Event"
    out = []
    add = out.append
    add(f"// Generated by tools/generate_events.py from {schema['path'].relative_to(ROOT)}. Do not edit by hand.")
    add("// swift-format-ignore-file")
    for module in schema["imports"]:
        add(f"import {module}")
    add("")
    for enum, names in enums.items():
        if enum in hand_written:
            continue
        add(f"/// Event code: {', '.join(f'{i} {n}' for i, n in enumerate(names))}.")
        add(f"public enum {enum}: UInt8, Sendable, CaseIterable, CustomStringConvertible {{")
        for index, name in enumerate(names):
            case = lower_first("".join(part.capitalize() for part in name.split("-")))
            add(f"    case {case} = {index}")
        add("")
        add("    public var description: String {")
        add(f"        {json.dumps(names)}[Int(rawValue)]")
        add("    }")
        add("}")
        add("")
    for enum in sorted(hand_written):
        add(f"extension {enum}: WireEnumeration {{}}")
    for enum in enums:
        if enum not in hand_written:
            add(f"extension {enum}: WireEnumeration {{}}")
    add("")
    add("/// Event kind numbers (the low six bits of an event's first byte)." if legacy
        else "/// Event kind numbers (an event's first varint).")
    add(f"public enum {kind_type}: UInt8, Sendable, CaseIterable, CustomStringConvertible {{")
    for event in events:
        add(f"    case {lower_first(event['name'])} = {event['kind']}")
    add("")
    add("    public var description: String {")
    add("        switch self {")
    for event in events:
        add(f"        case .{lower_first(event['name'])}: return \"{event['name']}\"")
    add("        }")
    add("    }")
    add("}")
    add("")
    for event in events:
        name, fields = event["name"], event["fields"]
        add(f"/// {event['doc']} (kind {event['kind']}, scenarios {event['scenarios']})")
        add(f"public struct {name}: Equatable, Sendable {{")
        for fname, ftype, fdoc in fields:
            add(f"    /// {fdoc}")
            add(f"    public var {fname}: {swift_type(ftype)}")
        add("")
        params = ", ".join(f"{f}: {swift_type(t)}" for f, t, _ in fields)
        add(f"    public init({params}) {{")
        for fname, _, _ in fields:
            add(f"        self.{fname} = {fname}")
        add("    }")
        add("")
        add("    @inlinable")
        add("    public func encode(into writer: inout CanonicalWriter) {")
        for fname, ftype, _ in fields:
            add(f"        {encode_line(fname, ftype)}")
        add("    }")
        add("")
        add("    public init(from reader: inout CanonicalReader) throws(CanonicalError) {")
        for fname, ftype, _ in fields:
            add(f"        {fname} = {decode_expr(ftype)}")
        add("    }")
        add("")
        add("    /// Fields in layout order, with their JSON names.")
        add("    public var fields: [EventField] {")
        add("        [")
        for fname, ftype, _ in fields:
            add(f"            EventField(\"{json_name(fname, ftype)}\", {field_value(fname, ftype)}),")
        add("        ]")
        add("    }")
        add("}")
        add("")
    add("/// The payload of an event, one case per kind.")
    add(f"public enum {body_type}: Equatable, Sendable {{")
    for event in events:
        add(f"    case {lower_first(event['name'])}({event['name']})")
    add("")
    add("    /// The kind number.")
    add(f"    public var kind: {kind_type} {{")
    add("        switch self {")
    for event in events:
        add(f"        case .{lower_first(event['name'])}: return .{lower_first(event['name'])}")
    add("        }")
    add("    }")
    add("")
    add("    @inlinable")
    add("    public func encode(into writer: inout CanonicalWriter) {")
    add("        switch self {")
    for event in events:
        add(f"        case .{lower_first(event['name'])}(let payload): payload.encode(into: &writer)")
    add("        }")
    add("    }")
    add("")
    add("    /// Decodes the payload of `kind`.")
    add(f"    public static func decode(_ kind: {kind_type}, from reader: inout CanonicalReader) throws(CanonicalError) -> {body_type} {{")
    add("        switch kind {")
    for event in events:
        add(f"        case .{lower_first(event['name'])}: return .{lower_first(event['name'])}(try {event['name']}(from: &reader))")
    add("        }")
    add("    }")
    add("")
    add("    /// The payload's fields in layout order.")
    add("    public var fields: [EventField] {")
    add("        switch self {")
    for event in events:
        add(f"        case .{lower_first(event['name'])}(let payload): return payload.fields")
    add("        }")
    add("    }")
    add("}")
    if not legacy:
        add("")
        add_envelope(add, schema, event_type, kind_type, body_type)
    return "\n".join(out) + "\n"


def add_envelope(add, schema, event_type, kind_type, body_type):
    """The event type of a `varint-kind` model: kind and tick as varints, then the payload."""
    decisions = [event for event in schema["events"] if event.get("decision")]
    add(f"/// An event of {', '.join(schema['models'])}: kind (varint), tick (varint), payload.")
    add(f"public struct {event_type}: ModelEvent, TickedEvent {{")
    add("    /// The event schema version this file was generated for: the model's `eventSchemaVersion`")
    add("    /// and its ledgers' headers carry it.")
    add(f"    public static let schemaVersion: UInt32 = {schema['event_schema_version']}")
    add("")
    add("    public var tick: Int64")
    add(f"    public var body: {body_type}")
    add("")
    add(f"    public init(tick: Int64, _ body: {body_type}) {{")
    add("        self.tick = tick")
    add("        self.body = body")
    add("    }")
    add("")
    add(f"    public var kind: {kind_type} {{ body.kind }}")
    add("    public var kindName: String { kind.description }")
    add(f"    public static var kindNames: [String] {{ {kind_type}.allCases.map(\\.description) }}")
    add("    public var headline: String { \"tick \\(tick)\" }")
    add("")
    add("    /// Header fields (tick, kind), then the payload's.")
    add("    public var fields: [EventField] {")
    add("        [EventField(\"tick\", .int(tick)), EventField(\"kind\", .text(kindName))] + body.fields")
    add("    }")
    add("")
    add("    public var decision: DecisionRecord? {")
    if decisions:
        name = decisions[0]["name"]
        add(f"        guard case .{lower_first(name)}(let payload) = body else {{ return nil }}")
        add("        return DecisionRecord(source: payload.source, question: payload.question, answer: payload.answer)")
    else:
        add("        nil")
    add("    }")
    add("")
    add("    @inlinable")
    add("    public func encode(into writer: inout CanonicalWriter) {")
    add("        writer.varint(UInt64(kind.rawValue))")
    add("        writer.varint(UInt64(tick))")
    add("        body.encode(into: &writer)")
    add("    }")
    add("")
    add("    /// The canonical bytes of this event alone.")
    add("    public var canonicalBytes: [UInt8] {")
    add("        var writer = CanonicalWriter(capacity: 64)")
    add("        encode(into: &writer)")
    add("        return writer.bytes")
    add("    }")
    add("")
    add(f"    public static func decode(from reader: inout CanonicalReader) throws(CanonicalError) -> {event_type} {{")
    add("        let at = reader.offset")
    add("        let code = try reader.varint()")
    add(f"        guard code <= 255, let kind = {kind_type}(rawValue: UInt8(code)) else {{")
    add("            throw .invalidTag(offset: at, tag: code, type: \"event kind\")")
    add("        }")
    add("        let tick = try reader.int64()")
    add(f"        return {event_type}(tick: tick, try {body_type}.decode(kind, from: &reader))")
    add("    }")
    add("}")


def generate_doc(schema):
    legacy = schema["envelope"] == "kind6-scenario2"
    doc_dir = (ROOT / schema["outputs"]["doc"]).parent
    reader = "(" + os.path.relpath(ROOT / "docs" / "ledger-format.md", doc_dir) + ")"
    out = ["# Event layouts" if legacy else f"# Event layouts: {', '.join(schema['models'])}", "",
           f"Generated by `tools/generate_events.py` from `{schema['path'].relative_to(ROOT)}`; do not edit by hand. The framing,"
           if not legacy else "Generated by `tools/generate_events.py` from its schema; do not edit by hand. The framing,",
           f"the event header and the wire types are described in [ledger-format.md]{reader}.", "",
           "## Wire types", "", "| type | encoding |", "|---|---|"]
    used = {ftype for event in schema["events"] for _, ftype, _ in event["fields"]}
    for name, (_, wire) in TYPES.items():
        if not legacy and name not in used:
            continue
        out.append(f"| `{name}` | {wire} |")
    out.append("| `enum:NAME` | u8, the code in the enum table below |")
    out += ["", "## Enums", "", "| enum | codes |", "|---|---|"]
    for enum, names in schema["enums"].items():
        out.append(f"| `{enum}` | " + ", ".join(f"{i} `{n}`" for i, n in enumerate(names)) + " |")
    out += ["", "## Events", ""]
    if legacy:
        out += ["Each event is: one byte `kind | scenario << 6` (scenario 0 = A, 1 = B, 2 = C, 3 = run),",
                "then `tick` as a varint (simulated seconds since day 1 00:00), then the fields below in order.", ""]
    else:
        out += ["Each event is: `kind` as a varint, then `tick` as a varint (the model's simulated time),",
                "then the fields below in order.", ""]
    for event in schema["events"]:
        out.append(f"### {event['kind']} `{event['name']}` (scenarios {event['scenarios']})")
        out.append("")
        out.append(event["doc"])
        out.append("")
        out.append("| # | field (JSON name) | type | meaning |")
        out.append("|---|---|---|---|")
        for index, (fname, ftype, fdoc) in enumerate(event["fields"], 1):
            out.append(f"| {index} | `{json_name(fname, ftype)}` | `{ftype}` | {fdoc} |")
        out.append("")
    return "\n".join(out)


def generate_json(schema):
    return json.dumps({
        "models": schema["models"],
        "event_schema_version": schema["event_schema_version"],
        "envelope": schema["envelope"],
        "digest_exclusions": schema.get("digest_exclusions", []),
        "enums": schema["enums"],
        "events": [
            {"kind": event["kind"], "name": event["name"],
             "fields": [[json_name(f, t), t] for f, t, _ in event["fields"]]}
            for event in schema["events"]
        ],
    }, indent=1, sort_keys=True) + "\n"


def main():
    outputs = {}
    for schema in load_schemas():
        targets = schema["outputs"]
        outputs[ROOT / targets["swift"]] = generate_swift(schema)
        outputs[ROOT / targets["doc"]] = generate_doc(schema)
        outputs[ROOT / targets["reader"]] = generate_json(schema)
    check = "--check" in sys.argv
    stale = []
    for path, text in outputs.items():
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path.relative_to(ROOT)))
        else:
            path.write_text(text)
    if stale:
        print("generated files are out of date (run python3 tools/generate_events.py): " + ", ".join(stale))
        sys.exit(1)


if __name__ == "__main__":
    main()
