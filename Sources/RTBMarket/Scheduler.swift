import RTBCore
import RTBEvents
import RTBTrace

/// Something the engine does at a tick. Actions are values so checkpoints can store them.
public enum Action: Equatable, Sendable {
    case startScenario
    case startDay(day: Int)
    case exchangeHour(day: Int, hour: Int)
    case buyerReview(buyer: Int)
    case sellerRespond(negotiation: Int)
    case buyerDecide(campaign: Int, firstNegotiation: Int, count: Int)
    case counterResponse(negotiation: Int)
    case deliveryRound(day: Int, round: Int)
    case trafficSlice(day: Int, minute: Int)
    case kill(agent: AgentRef)
    case closeDay(day: Int)
    case finishScenario

    func encode(into writer: inout CanonicalWriter) {
        switch self {
        case .startScenario: writer.u8(0)
        case .startDay(let day): writer.u8(1); writer.varint(day)
        case .exchangeHour(let day, let hour): writer.u8(2); writer.varint(day); writer.varint(hour)
        case .buyerReview(let buyer): writer.u8(3); writer.varint(buyer)
        case .sellerRespond(let negotiation): writer.u8(4); writer.varint(negotiation)
        case .buyerDecide(let campaign, let first, let count):
            writer.u8(5); writer.varint(campaign); writer.varint(first); writer.varint(count)
        case .counterResponse(let negotiation): writer.u8(6); writer.varint(negotiation)
        case .deliveryRound(let day, let round):
            writer.u8(7); writer.varint(day); writer.varint(round)
        case .trafficSlice(let day, let minute):
            writer.u8(8); writer.varint(day); writer.varint(minute)
        case .kill(let agent): writer.u8(9); writer.varint(agent.code)
        case .closeDay(let day): writer.u8(10); writer.varint(day)
        case .finishScenario: writer.u8(11)
        }
    }

    static func decode(from reader: inout CanonicalReader) throws(CanonicalError) -> Action {
        let at = reader.offset
        switch try reader.u8() {
        case 0: return .startScenario
        case 1: return .startDay(day: try reader.int())
        case 2: return .exchangeHour(day: try reader.int(), hour: try reader.int())
        case 3: return .buyerReview(buyer: try reader.int())
        case 4: return .sellerRespond(negotiation: try reader.int())
        case 5:
            return .buyerDecide(
                campaign: try reader.int(), firstNegotiation: try reader.int(),
                count: try reader.int())
        case 6: return .counterResponse(negotiation: try reader.int())
        case 7: return .deliveryRound(day: try reader.int(), round: try reader.int())
        case 8: return .trafficSlice(day: try reader.int(), minute: try reader.int())
        case 9: return .kill(agent: try reader.agent())
        case 10: return .closeDay(day: try reader.int())
        case 11: return .finishScenario
        case let tag: throw .invalidTag(offset: at, tag: UInt64(tag), type: "action")
        }
    }
}

/// An action due at `tick`; `order` breaks ties so same-tick actions run in insertion order.
struct ScheduledAction: Equatable, Sendable {
    var tick: Int64
    var order: UInt64
    var action: Action

    func runsBefore(_ other: ScheduledAction) -> Bool {
        tick != other.tick ? tick < other.tick : order < other.order
    }
}

/// A binary min-heap of scheduled actions, bounded so a runaway run fails loudly.
struct Scheduler: Equatable, Sendable {
    private(set) var heap: [ScheduledAction] = []
    private(set) var nextOrder: UInt64 = 0
    /// The most actions that may be pending at once.
    static let capacity = 1 << 22

    var isEmpty: Bool { heap.isEmpty }
    var peek: ScheduledAction? { heap.first }
    var count: Int { heap.count }

    mutating func schedule(_ action: Action, at tick: Int64) {
        precondition(
            heap.count < Self.capacity, "scheduler bound exceeded: \(heap.count) pending actions")
        heap.append(ScheduledAction(tick: tick, order: nextOrder, action: action))
        nextOrder += 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if !heap[child].runsBefore(heap[parent]) { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popNext() -> ScheduledAction? {
        guard !heap.isEmpty else { return nil }
        let first = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < heap.count && heap[left].runsBefore(heap[smallest]) { smallest = left }
                if right < heap.count && heap[right].runsBefore(heap[smallest]) { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first
    }

    /// Canonical form: pending actions sorted by (tick, order), then the next order number.
    func encode(into writer: inout CanonicalWriter) {
        let sorted = heap.sorted { $0.runsBefore($1) }
        writer.varint(sorted.count)
        for item in sorted {
            writer.varint(UInt64(item.tick))
            writer.varint(item.order)
            item.action.encode(into: &writer)
        }
        writer.varint(nextOrder)
    }

    static func decode(from reader: inout CanonicalReader) throws(CanonicalError) -> Scheduler {
        var scheduler = Scheduler()
        let count = try reader.elementCount(limit: capacity)
        var items: [ScheduledAction] = []
        items.reserveCapacity(count)
        for _ in 0..<count {
            items.append(
                ScheduledAction(
                    tick: try reader.int64(), order: try reader.varint(),
                    action: try Action.decode(from: &reader)))
        }
        scheduler.heap = items  // sorted ascending is a valid min-heap
        scheduler.nextOrder = try reader.varint()
        return scheduler
    }
}
