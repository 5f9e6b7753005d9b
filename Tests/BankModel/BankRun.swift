import RTBCore
import RTBTrace

/// A run of the test bank. Step 0 opens the accounts, steps 1...N each move money between two
/// seeded accounts, and the last step closes the bank with the total. State: the balances, the
/// step and the random stream; everything else is the log.
public final class BankRun: ModelRun {
    public let config: BankConfig
    let layout: FrameLayout
    let sink: FrameSink
    let decisions: DecisionChannel
    let canary: String?
    var log: EventLog
    var balances: [Int64]
    var stepIndex = 0
    var random: RandomStream

    public init(config: BankConfig, environment: RunEnvironment) {
        self.config = config
        layout = environment.layout
        sink = environment.sink
        decisions = environment.decisions
        canary = environment.canary
        log = EventLog(
            frameTargetBytes: layout.frameTargetBytes, perturbation: environment.perturbation)
        balances = [Int64](repeating: config.openingBalance, count: config.accounts)
        random = RandomStream(seed: config.seed, key: StreamKey("bank-transfers"))
    }

    public init(config: BankConfig, checkpoint: EngineCheckpoint, environment: RunEnvironment)
        throws(CanonicalError)
    {
        self.config = config
        layout = environment.layout
        sink = environment.sink
        decisions = environment.decisions
        canary = environment.canary
        log = EventLog(
            frameTargetBytes: layout.frameTargetBytes, perturbation: environment.perturbation)
        var reader = CanonicalReader(checkpoint.state)
        try log.restorePosition(from: &reader, checkpoint: checkpoint)
        stepIndex = try reader.int()
        let words = (try reader.u64(), try reader.u64(), try reader.u64(), try reader.u64())
        guard let restored = RandomStream(state: words) else {
            throw .valueOutOfRange(offset: reader.offset, value: 0, limit: 0)
        }
        random = restored
        balances = try (0..<config.accounts).map { _ throws(CanonicalError) in
            try reader.signedVarint()
        }
        try reader.expectEnd()
    }

    public var isFinished: Bool { stepIndex > config.steps + 1 }

    public func step() throws -> Bool {
        guard !isFinished else { return false }
        if stepIndex == 0 {
            for account in balances.indices {
                emit(.accountOpened(AccountOpened(account: account, balance: balances[account])))
            }
        } else if stepIndex <= config.steps {
            try transfer()
        } else {
            emit(.bankClosed(BankClosed(total: balances.reduce(0, +))))
        }
        stepIndex += 1
        if try log.seal(
            into: sink, checkpointEvery: layout.checkpointEveryFrames, force: isFinished,
            finished: isFinished)
        {
            try sink.checkpoint(makeCheckpoint())
        }
        return !isFinished
    }

    func transfer() throws {
        let from = random.int(in: 0...(config.accounts - 1))
        let to = (from + 1 + random.int(in: 0...(config.accounts - 2))) % config.accounts
        let balance = max(0, balances[from])
        var amount: Int64
        if config.oracle {
            var question = CanonicalWriter()
            for value in [Int64(stepIndex), Int64(from), Int64(to), balance] {
                question.varint(UInt64(value))
            }
            let record = try decisions.ask(question.bytes, at: log.nextSequence)
            emit(
                .oracleAnswered(
                    OracleAnswered(
                        source: record.source, question: record.question, answer: record.answer)))
            var answer = CanonicalReader(record.answer)
            amount = min((try? answer.int64()) ?? 0, balance)
        } else {
            amount = random.int(in: 0...balance)
        }
        if canary == "overdraw" && stepIndex == 5 { amount = balance + 1 }
        balances[from] -= amount
        balances[to] += canary == "leak" && stepIndex == 7 ? amount + 1 : amount
        emit(.transfer(Transfer(from: from, to: to, amount: amount)))
    }

    func emit(_ body: BankEventBody) {
        log.append(BankEvent(tick: Int64(stepIndex), body))
    }

    func makeCheckpoint() -> EngineCheckpoint {
        var writer = CanonicalWriter()
        log.encodePosition(into: &writer)
        writer.varint(stepIndex)
        for word in [random.state.0, random.state.1, random.state.2, random.state.3] {
            writer.u64(word)
        }
        for balance in balances { writer.signedVarint(balance) }
        return EngineCheckpoint(
            frameCount: log.framesSealed, nextSequence: log.nextSequence, state: writer.bytes)
    }

    public var marketDigest: Digest32 { log.marketDigest }
    public var nextSequence: UInt64 { log.nextSequence }
    public var framesSealed: Int { log.framesSealed }
    public var progress: String? { isFinished ? nil : "step \(stepIndex)/\(config.steps)" }

    public var summaryMetrics: [NamedMetric] {
        [
            NamedMetric("steps", Int64(min(stepIndex, config.steps + 1))),
            NamedMetric("total_balance", balances.reduce(0, +)),
        ]
    }
}
