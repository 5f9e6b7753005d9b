import RTBCore
import RTBTrace

/// `replay --live`: serves the recorded answers (the run continues exactly as recorded) and
/// re-asks each recorded question of the live source, counting the decisions whose new answer
/// differs and keeping the first.
public final class LiveComparison: DecisionChannel {
    /// The first decision whose live answer differs.
    public struct Difference: Sendable, Equatable {
        /// Index of the decision among the run's decisions (0-based).
        public var decision: Int
        /// The sequence number of its `Decision` event.
        public var sequence: UInt64
        public var recorded: [UInt8]
        public var live: [UInt8]
        public var liveSource: String
    }

    let recorded: DecisionChannel
    let source: DecisionSource
    public private(set) var asked = 0
    public private(set) var differing = 0
    public private(set) var first: Difference?

    public init(recorded: DecisionChannel, source: DecisionSource) {
        self.recorded = recorded
        self.source = source
    }

    public func ask(_ question: [UInt8], at sequence: UInt64) throws -> DecisionRecord {
        try askBatch([question], at: sequence)[0]
    }

    /// Serves the recorded records and re-asks the questions together, as the recording did.
    public func askBatch(_ questions: [[UInt8]], at sequence: UInt64) throws -> [DecisionRecord] {
        let records = try recorded.askBatch(questions, at: sequence)
        let replies = try source.replies(to: questions)
        var next = sequence
        for (record, live) in zip(records, replies) {
            next += record.call == nil ? 0 : 1
            if live.answer != record.answer {
                differing += 1
                if first == nil {
                    first = Difference(
                        decision: asked, sequence: next, recorded: record.answer,
                        live: live.answer, liveSource: live.source)
                }
            }
            asked += 1
            next += 1
        }
        return records
    }

    public var result: Result { Result(asked: asked, differing: differing, first: first) }

    /// What the comparison found.
    public struct Result: Sendable, Equatable {
        public var asked: Int
        public var differing: Int
        public var first: Difference?

        /// Differing decisions over decisions asked, in [0, 1].
        public var share: Double { asked == 0 ? 0 : Double(differing) / Double(asked) }
    }
}
