import Dispatch
import Foundation
import RTBRunning

/// Turns SIGINT and SIGTERM into a stop request that a recording honours between steps, so an
/// interrupted recording says what it kept and how to resume it instead of dying silently.
public enum SignalWatch {
    nonisolated(unsafe) static var sources: [DispatchSourceSignal] = []

    /// Installs the handlers (once per process) and returns the request they set.
    public static func install() -> StopRequest {
        let request = StopRequest()
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { request.request(signal: number) }
            source.resume()
            sources.append(source)
        }
        return request
    }
}
