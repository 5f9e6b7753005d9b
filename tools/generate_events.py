#!/usr/bin/env python3
"""Generates the market event structs, their canonical codec and their documentation.

One schema (below) is the single source of truth for every event layout:
  Sources/RTBEvents/EventPayloads.generated.swift   Swift structs, encode, decode, fields
  docs/event-layouts.md                             byte layouts for independent readers
  tools/event_schema.json                           the same table for tools/ledger_reader.py

Run `python3 tools/generate_events.py` after editing SCHEMA; `--check` fails when the
generated files are out of date (CI runs it).
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Small enums carried in events (u8 on the wire).
ENUMS = {
    "Channel": ["display", "video", "ctv", "native"],
    "Tier": ["premium", "standard", "performance"],
    "DealType": ["PG", "PD", "PA", "OA"],
    "BuyerStrategy": ["target-cpm", "maximize-reach", "floor-plus"],
    "Mechanism": ["first-price", "second-price", "gsp", "vcg"],
    "NegotiationOutcome": ["accepted", "rejected", "expired", "declined"],
    "DealOrigin": ["auction", "negotiation"],
    "RotCause": ["decay", "restart"],
    "RecoveryTrigger": ["rot", "restart", "kill"],
    "RecoverySource": ["none", "private-store", "exchange", "ledger"],
    "ClaimType": ["inventory", "price", "history", "delivery"],
    "ReconciliationOutcome": ["accepted", "negotiated", "disputed", "unresolvable"],
}
# Enums already declared by hand in DomainCodes.swift (others are generated).
HAND_WRITTEN_ENUMS = {"Channel", "Tier", "DealType", "BuyerStrategy"}

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
}

# kind number, name, scenario note, description, fields (name, type, description)
SCHEMA = [
    (1, "RunStarted", "run", "Opens every run section: what produced it.", [
        ("seed", "u64", "run seed"),
        ("configDigest", "digest", "SHA-256 of the canonical config bytes with the kill list emptied (the market's config)"),
        ("days", "day", "simulated days"),
        ("scenarios", "mask", "bit 0 = A, bit 1 = B, bit 2 = C"),
    ]),
    (2, "ScenarioStarted", "a/b/c", "A trading model starts on the shared market.", [
        ("buyers", "count", "buyer agents"),
        ("sellers", "count", "seller agents"),
        ("campaigns", "count", "campaigns"),
        ("products", "count", "products"),
    ]),
    (3, "CampaignRegistered", "a/b/c", "A buyer's campaign enters the market.", [
        ("campaign", "id", "campaign index"),
        ("buyer", "agent", "owning buyer"),
        ("budget", "micros", "total budget"),
        ("targetCPM", "micros", "target price per thousand"),
        ("maxCPM", "micros", "highest acceptable price per thousand (1.2 x target)"),
        ("goalImpressions", "count", "budget / targetCPM x 1000"),
        ("channel", "enum:Channel", "channel bought"),
        ("segments", "mask", "targeted audience segments (bit i = Segments.names[i])"),
        ("startDay", "day", "first day of flight"),
        ("endDay", "day", "last day of flight"),
        ("strategy", "enum:BuyerStrategy", "buying strategy"),
    ]),
    (4, "ProductRegistered", "a/b/c", "A seller's product enters the market.", [
        ("product", "id", "product index"),
        ("seller", "agent", "owning seller"),
        ("channel", "enum:Channel", "channel sold"),
        ("tier", "enum:Tier", "tier"),
        ("floorCPM", "micros", "reserve price per thousand"),
        ("dailyAvails", "count", "impressions available per day"),
        ("dealTypes", "mask", "supported deal types (bit = DealType code)"),
        ("segments", "mask", "audience segments"),
    ]),
    (5, "DayStarted", "any", "A simulated day begins.", [
        ("day", "day", "day number"),
    ]),
    (6, "BidRequest", "a", "The exchange offers a batch of a product's impressions for auction.", [
        ("auction", "id", "auction number"),
        ("product", "id", "product"),
        ("impressions", "count", "impressions in the batch"),
        ("floorCPM", "micros", "reserve price"),
        ("dealType", "enum:DealType", "OA, or PA for products without open auctions"),
    ]),
    (7, "Bid", "a", "A campaign bids in an auction.", [
        ("auction", "id", "auction number"),
        ("campaign", "id", "bidding campaign"),
        ("cpm", "micros", "bid per thousand"),
        ("impressions", "count", "impressions wanted"),
    ]),
    (8, "AuctionCleared", "a", "The exchange clears an auction (winner 0 = unsold).", [
        ("auction", "id", "auction number"),
        ("winner", "id", "winning campaign + 1, or 0"),
        ("priceCPM", "micros", "clearing price per thousand"),
        ("impressions", "count", "impressions sold"),
        ("bidders", "count", "bids competing for this lot (ranked lots: those not yet served; VCG: all)"),
        ("secondCPM", "micros", "second-highest bid, 0 if none"),
        ("mechanism", "enum:Mechanism", "payment rule used"),
    ]),
    (9, "Rfp", "b/c", "A buyer asks a seller for a product's inventory.", [
        ("negotiation", "id", "negotiation number"),
        ("campaign", "id", "campaign"),
        ("product", "id", "product"),
        ("impressions", "count", "impressions requested"),
        ("maxCPM", "micros", "highest price the buyer states"),
    ]),
    (10, "Offer", "b/c", "A seller answers an RFP; its claims may be hallucinated.", [
        ("negotiation", "id", "negotiation number"),
        ("cpm", "micros", "price claimed"),
        ("impressions", "count", "impressions claimed available"),
        ("dealType", "enum:DealType", "deal type offered"),
        ("historyPermille", "count", "past delivery rate claimed, per mille"),
    ]),
    (11, "CounterOffer", "b/c", "A buyer counters an offer's price.", [
        ("negotiation", "id", "negotiation number"),
        ("cpm", "micros", "price proposed"),
    ]),
    (12, "NegotiationClosed", "b/c", "A negotiation ends.", [
        ("negotiation", "id", "negotiation number"),
        ("outcome", "enum:NegotiationOutcome", "how it ended"),
    ]),
    (13, "DealAgreed", "a/b/c", "A deal binds a campaign and a product.", [
        ("deal", "id", "deal number"),
        ("campaign", "id", "campaign"),
        ("product", "id", "product"),
        ("impressions", "count", "impressions contracted"),
        ("buyerCPM", "micros", "price in the buyer's book"),
        ("sellerCPM", "micros", "price in the seller's book (differs after a price hallucination)"),
        ("dealType", "enum:DealType", "deal type"),
        ("origin", "enum:DealOrigin", "auction or negotiation"),
        ("originID", "id", "auction or negotiation number"),
        ("endDay", "day", "last day of delivery"),
    ]),
    (14, "Delivery", "a/b/c", "A batch of a deal's impressions is served.", [
        ("deal", "id", "deal"),
        ("planned", "count", "impressions scheduled for this batch"),
        ("served", "count", "impressions actually served (ground truth)"),
        ("buyerCounted", "count", "impressions the buyer's book counts"),
        ("sellerCounted", "count", "impressions the seller's book claims"),
    ]),
    (15, "Settlement", "a/b/c", "Money changes hands for a deal.", [
        ("deal", "id", "deal"),
        ("buyerPaid", "micros", "paid by the buyer"),
        ("sellerReceived", "micros", "received by the seller"),
        ("fee", "micros", "intermediary fee"),
        ("disputed", "micros", "amount left in dispute, never paid"),
    ]),
    (16, "Reconciliation", "a/b/c", "A campaign's books are reconciled at its end.", [
        ("campaign", "id", "campaign"),
        ("buyerTotal", "micros", "buyer's billing figure"),
        ("sellerTotal", "micros", "sellers' billing figure"),
        ("discrepancyPpm", "ppm", "|buyer - seller| / max(buyer, seller)"),
        ("outcome", "enum:ReconciliationOutcome", "class on the ladder"),
        ("resolutionDays", "day", "days until settled (0 = immediate)"),
        ("disputed", "micros", "amount never resolved"),
    ]),
    (17, "ContextRot", "a/b/c", "An agent loses memory keys.", [
        ("agent", "agent", "agent"),
        ("cause", "enum:RotCause", "daily decay or restart"),
        ("dealsLost", "count", "deal records lost"),
        ("pricesLost", "count", "price references lost"),
        ("reputationLost", "count", "reputation entries lost"),
        ("pendingLost", "count", "pending negotiations lost"),
    ]),
    (18, "Recovery", "a/b/c", "An agent rebuilds memory after rot, a restart or a kill.", [
        ("agent", "agent", "agent"),
        ("trigger", "enum:RecoveryTrigger", "what destroyed the memory"),
        ("source", "enum:RecoverySource", "where the memory came back from"),
        ("keysLost", "count", "keys missing before recovery"),
        ("keysRecovered", "count", "keys restored"),
        ("eventsReplayed", "count", "ledger events applied after the snapshot"),
        ("matches", "bool", "recovered memory equals the memory before the loss"),
        ("stateDigest", "digest", "SHA-256 of the recovered memory's canonical bytes"),
    ]),
    (19, "Hallucination", "b/c", "An agent states a false claim (caught = verified against the ledger).", [
        ("agent", "agent", "agent making the claim"),
        ("claim", "enum:ClaimType", "kind of claim"),
        ("subject", "id", "negotiation (offers) or deal (deliveries)"),
        ("trueValue", "count", "true value"),
        ("claimedValue", "count", "value claimed"),
        ("caught", "bool", "the counterparty detected it"),
    ]),
    (20, "AgentKilled", "a/b/c", "Fault injection: an agent loses all in-memory state.", [
        ("agent", "agent", "agent"),
        ("keysLost", "count", "memory keys destroyed"),
    ]),
    (21, "AgentSnapshot", "b/c", "An agent's memory written to the shared ledger (C).", [
        ("agent", "agent", "agent"),
        ("state", "bytes", "canonical memory bytes (docs/ledger-format.md, agent memory)"),
    ]),
    (22, "LedgerEntry", "c", "The preceding event was written to the shared ledger at a cost.", [
        ("entry", "id", "ledger entry number"),
        ("recordedKind", "count", "kind number of the recorded event"),
        ("sizeBytes", "count", "canonical size of the recorded event"),
        ("cost", "micros", "gas and storage cost"),
        ("payer", "agent", "agent charged"),
    ]),
    (23, "OpenAuction", "a", "One impression of open-auction traffic, auctioned by the exchange.", [
        ("product", "id", "product"),
        ("floorCents", "cents", "reserve CPM in cents"),
        ("bids", "bids", "bids in arrival order (campaign, CPM cents)"),
        ("winner", "count", "index into bids + 1, or 0 if unsold"),
        ("priceCents", "cents", "clearing CPM in cents"),
        ("fee", "micros", "exchange fee on the impression"),
    ]),
    (24, "DirectOffer", "b/c", "One impression offered directly by a seller to a campaign.", [
        ("product", "id", "product"),
        ("campaign", "id", "campaign offered to"),
        ("cpmCents", "cents", "asking CPM in cents"),
        ("accepted", "bool", "bought"),
    ]),
    (25, "DayClosed", "any", "A simulated day ends.", [
        ("day", "day", "day number"),
    ]),
    (26, "ScenarioFinished", "a/b/c", "A trading model ends.", [
        ("events", "count", "events of this scenario, this one included, kill records (AgentKilled, kill-triggered Recovery) excluded"),
    ]),
    (27, "ScaleRound", "run", "Scale mode: one auction round among every agent (rtb-sim scale).", [
        ("round", "id", "round number, from 0"),
        ("bidders", "count", "agents that bid (value within budget)"),
        ("mechanism", "enum:Mechanism", "payment rule"),
        ("top", "bids", "the highest bids in rank order, one more than the awards (agent, bid in cents)"),
        ("awards", "bids", "winners in slot order (agent, payment in cents)"),
    ]),
]


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
    }[field_type]


def json_name(name, field_type):
    snake = "".join("_" + c.lower() if c.isupper() else c for c in name)
    if field_type == "micros":
        snake += "_micros"
    return snake.replace("c_p_m", "cpm").replace("_i_d", "_id").replace("r_f_p", "rfp")


def lower_first(text):
    return text[0].lower() + text[1:]


def generate_swift():
    out = []
    add = out.append
    add("// Generated by tools/generate_events.py from its SCHEMA. Do not edit by hand.")
    add("// swift-format-ignore-file")
    add("import RTBCore")
    add("import RTBTrace")
    add("")
    for enum, names in ENUMS.items():
        if enum in HAND_WRITTEN_ENUMS:
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
    add("extension Channel: WireEnumeration {}")
    add("extension Tier: WireEnumeration {}")
    add("extension DealType: WireEnumeration {}")
    add("extension BuyerStrategy: WireEnumeration {}")
    for enum in ENUMS:
        if enum not in HAND_WRITTEN_ENUMS:
            add(f"extension {enum}: WireEnumeration {{}}")
    add("")
    add("/// Event kind numbers (the low six bits of an event's first byte).")
    add("public enum EventKind: UInt8, Sendable, CaseIterable, CustomStringConvertible {")
    for kind, name, *_ in SCHEMA:
        add(f"    case {lower_first(name)} = {kind}")
    add("")
    add("    public var description: String {")
    add("        switch self {")
    for kind, name, *_ in SCHEMA:
        add(f"        case .{lower_first(name)}: return \"{name}\"")
    add("        }")
    add("    }")
    add("}")
    add("")
    for kind, name, scenario, doc, fields in SCHEMA:
        add(f"/// {doc} (kind {kind}, scenarios {scenario})")
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
    add("/// The payload of a market event, one case per kind.")
    add("public enum EventBody: Equatable, Sendable {")
    for kind, name, *_ in SCHEMA:
        add(f"    case {lower_first(name)}({name})")
    add("")
    add("    /// The kind number.")
    add("    public var kind: EventKind {")
    add("        switch self {")
    for kind, name, *_ in SCHEMA:
        add(f"        case .{lower_first(name)}: return .{lower_first(name)}")
    add("        }")
    add("    }")
    add("")
    add("    @inlinable")
    add("    public func encode(into writer: inout CanonicalWriter) {")
    add("        switch self {")
    for kind, name, *_ in SCHEMA:
        add(f"        case .{lower_first(name)}(let payload): payload.encode(into: &writer)")
    add("        }")
    add("    }")
    add("")
    add("    /// Decodes the payload of `kind`.")
    add("    public static func decode(_ kind: EventKind, from reader: inout CanonicalReader) throws(CanonicalError) -> EventBody {")
    add("        switch kind {")
    for kind, name, *_ in SCHEMA:
        add(f"        case .{lower_first(name)}: return .{lower_first(name)}(try {name}(from: &reader))")
    add("        }")
    add("    }")
    add("")
    add("    /// The payload's fields in layout order.")
    add("    public var fields: [EventField] {")
    add("        switch self {")
    for kind, name, *_ in SCHEMA:
        add(f"        case .{lower_first(name)}(let payload): return payload.fields")
    add("        }")
    add("    }")
    add("}")
    return "\n".join(out) + "\n"


def generate_doc():
    out = ["# Event layouts", "",
           "Generated by `tools/generate_events.py` from its schema; do not edit by hand. The framing,",
           "the event header and the wire types are described in [ledger-format.md](ledger-format.md).", "",
           "## Wire types", "", "| type | encoding |", "|---|---|"]
    for name, (_, wire) in TYPES.items():
        out.append(f"| `{name}` | {wire} |")
    out.append("| `enum:NAME` | u8, the code in the enum table below |")
    out += ["", "## Enums", "", "| enum | codes |", "|---|---|"]
    for enum, names in ENUMS.items():
        out.append(f"| `{enum}` | " + ", ".join(f"{i} `{n}`" for i, n in enumerate(names)) + " |")
    out += ["", "## Events", "",
            "Each event is: one byte `kind | scenario << 6` (scenario 0 = A, 1 = B, 2 = C, 3 = run),",
            "then `tick` as a varint (simulated seconds since day 1 00:00), then the fields below in order.",
            ""]
    for kind, name, scenario, doc, fields in SCHEMA:
        out.append(f"### {kind} `{name}` (scenarios {scenario})")
        out.append("")
        out.append(doc)
        out.append("")
        out.append("| # | field (JSON name) | type | meaning |")
        out.append("|---|---|---|---|")
        for index, (fname, ftype, fdoc) in enumerate(fields, 1):
            out.append(f"| {index} | `{json_name(fname, ftype)}` | `{ftype}` | {fdoc} |")
        out.append("")
    return "\n".join(out)


def generate_json():
    return json.dumps({
        "enums": ENUMS,
        "events": [
            {"kind": kind, "name": name, "fields": [[json_name(f, t), t] for f, t, _ in fields]}
            for kind, name, _, _, fields in SCHEMA
        ],
    }, indent=1, sort_keys=True) + "\n"


def main():
    outputs = {
        ROOT / "Sources/RTBEvents/EventPayloads.generated.swift": generate_swift(),
        ROOT / "docs/event-layouts.md": generate_doc(),
        ROOT / "tools/event_schema.json": generate_json(),
    }
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
