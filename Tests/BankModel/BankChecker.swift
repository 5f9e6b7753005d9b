import RTBCore
import RTBTrace

/// Checks the bank's promises from its events alone, keeping its own balances.
public final class BankChecker: ModelChecker {
    public static let invariants = [
        InvariantInfo(
            name: "no-overdraft", summary: "a transfer never moves more than its payer holds"),
        InvariantInfo(
            name: "money-conserved",
            summary: "the closing total equals the opening balances and the transfers' sum"),
        InvariantInfo(
            name: "answer-used",
            summary: "a transfer after an oracle answer moves min(answer, payer's balance)"),
    ]

    let config: BankConfig
    public private(set) var tally = CheckTally(invariants: BankChecker.invariants)
    var balances: [Int64] = []
    var opened: Int64 = 0
    var lastAnswer: Int64?
    var transfers: Int64 = 0

    public init(config: BankConfig) {
        self.config = config
    }

    public func observe(_ event: BankEvent, sequence: UInt64, size: Int) {
        switch event.body {
        case .accountOpened(let account):
            if account.account >= balances.count {
                balances += [Int64](repeating: 0, count: account.account + 1 - balances.count)
            }
            balances[account.account] = account.balance
            opened += account.balance
        case .oracleAnswered(let answer):
            var reader = CanonicalReader(answer.answer)
            lastAnswer = (try? reader.int64()) ?? 0
        case .transfer(let transfer):
            transfers += 1
            guard balances.indices.contains(transfer.from), balances.indices.contains(transfer.to)
            else {
                tally.count(0, holds: false, at: sequence, witness: "unknown account")
                return
            }
            let held = balances[transfer.from]
            tally.count(
                0, holds: transfer.amount <= held, at: sequence,
                witness: "account \(transfer.from) holds \(held), moved \(transfer.amount)")
            if let answer = lastAnswer {
                let expected = min(answer, max(0, held))
                tally.count(
                    2, holds: transfer.amount == expected, at: sequence,
                    witness: "oracle answered \(answer), payer held \(held), moved \(transfer.amount)")
                lastAnswer = nil
            }
            balances[transfer.from] -= transfer.amount
            balances[transfer.to] += transfer.amount
        case .bankClosed(let closed):
            let sum = balances.reduce(0, +)
            tally.count(
                1, holds: closed.total == opened && sum == opened, at: sequence,
                witness: "opened with \(opened), transfers leave \(sum), closing total \(closed.total)")
        }
    }

    public func finish() {}

    public var summaryMetrics: [NamedMetric] {
        [NamedMetric("steps", transfers + 1), NamedMetric("total_balance", balances.reduce(0, +))]
    }

    public var notes: [String] { [] }
}
