import RTBCore
import RTBTrace

/// The first point where a replay differs from the recording.
public struct Divergence: Sendable {
    /// Sequence number of the first differing event (nil when only a checkpoint differs).
    public var sequence: UInt64?
    /// Frame holding it.
    public var frame: Int
    /// The recorded event and the replayed one (nil when one side has no event there).
    public var expected: RenderedEvent?
    public var actual: RenderedEvent?
    /// A checkpoint whose state digest differs, when that is the divergence.
    public var checkpoint: (frameCount: Int, expected: Digest32, actual: Digest32)?
    /// The last checkpoint whose state matched, and segments re-run to find this.
    public var lastMatchingCheckpoint: Int?
    public var segmentsRerun: Int

    /// Field-by-field rendering: name, expected, actual, marker on differing rows.
    public func report(trace: String) -> String {
        var lines: [String] = []
        if let sequence {
            let event = actual ?? expected
            lines.append(
                "divergence at event \(sequence) (frame \(frame)): \(event?.headline ?? "-"), "
                    + "kind \(event?.kindName ?? "-"), agent \(event?.agent ?? "-")")
            let expectedFields = expected?.fields ?? []
            let actualFields = actual?.fields ?? []
            var rows = [["field", "expected (recorded)", "actual (replayed)", ""]]
            for index in 0..<max(expectedFields.count, actualFields.count) {
                let name =
                    index < expectedFields.count
                    ? expectedFields[index].name : actualFields[index].name
                let left =
                    index < expectedFields.count
                    ? expectedFields[index].value.description : "(none)"
                let right =
                    index < actualFields.count ? actualFields[index].value.description : "(none)"
                rows.append([name, left, right, left == right ? "" : "<-- differs"])
            }
            if expected == nil { rows.append(["(recording)", "ends here", "", "<-- differs"]) }
            if actual == nil { rows.append(["(replay)", "", "ends here", "<-- differs"]) }
            lines.append(TextTable.render(rows))
        } else if let checkpoint {
            lines.append(
                "divergence: checkpoint after frame \(checkpoint.frameCount - 1) has state digest \(checkpoint.actual.short) "
                    + "on replay, \(checkpoint.expected.short) recorded (every event before it matched)"
            )
        }
        if let last = lastMatchingCheckpoint {
            lines.append("last matching checkpoint: after frame \(last - 1)")
        } else {
            lines.append("last matching checkpoint: none (the divergence is in the first segment)")
        }
        if segmentsRerun > 0 { lines.append("segments re-run: \(segmentsRerun)") }
        let from = lastMatchingCheckpoint.map { " --from-checkpoint \($0)" } ?? ""
        lines.append("reproduce: rtb-verify replay --trace \(trace)\(from)")
        return lines.joined(separator: "\n")
    }
}

/// A decoded event as reports show it, whatever its model.
public struct RenderedEvent: Equatable, Sendable {
    public var kindName: String
    /// Where and when ("d03 04:00:00, scenario c").
    public var headline: String
    /// The agent it concerns, when the model can tell.
    public var agent: String?
    public var fields: [EventField]

    public init(kindName: String, headline: String, agent: String?, fields: [EventField]) {
        self.kindName = kindName
        self.headline = headline
        self.agent = agent
        self.fields = fields
    }

    /// Renders an event of `Model`.
    public init<Model: SimulationModel>(
        _ event: Model.Event, model: Model.Type, config: Model.Config
    ) {
        kindName = event.kindName
        headline = event.headline
        agent = Model.agent(of: event, config: config)
        fields = event.fields
    }

    /// The value of the field called `name`.
    public func value(_ name: String) -> FieldValue? { fields.first { $0.name == name }?.value }
}
