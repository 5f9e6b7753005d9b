import RTBCore
import RTBEvents

/// How the run's campaigns are drawn against its products (`Market.init(config:)`).
public enum MarketGeneration: UInt8, CaseIterable, Sendable, CustomStringConvertible,
    WireEnumeration
{
    /// The reference's draws (engine 0.1.0): campaigns only in display, video and CTV, target
    /// CPM uniform in $10-25 whatever the channel, so a campaign whose max CPM is below every
    /// floor of its channel can never trade, and native inventory has no demand.
    case reference = 0
    /// Campaigns in all four channels (native too), and each campaign's target CPM drawn from
    /// the reference's $10-25 conditioned on the campaign being able to pay the cheapest floor of
    /// its channel (max CPM = 1.2 x target >= that floor): uniform on [max($10, ceil(floor /
    /// 1.2)), $25] in cents, the exact distribution a rejection sampler would give, in one draw.
    /// A channel without products leaves the draw unconditioned; a channel whose cheapest floor
    /// is above 1.2 x $25 gets targets of exactly that bound (never with the shipped ranges).
    case tradable = 1

    public var description: String {
        switch self {
        case .reference: return "reference"
        case .tradable: return "tradable"
        }
    }

    /// The channels campaigns are dealt from.
    var campaignChannels: Int {
        switch self {
        case .reference: return 3
        case .tradable: return Channel.allCases.count
        }
    }
}
