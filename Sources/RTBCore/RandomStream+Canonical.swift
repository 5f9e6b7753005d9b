/// A random stream's state in checkpoints: its four words as fixed 8-byte values.
extension CanonicalWriter {
    public mutating func randomStream(_ stream: RandomStream) {
        let state = stream.state
        for word in [state.0, state.1, state.2, state.3] { u64(word) }
    }
}

extension CanonicalReader {
    /// A stream written by `randomStream(_:)`; refuses the all-zero state no stream can have.
    public mutating func randomStream() throws(CanonicalError) -> RandomStream {
        let at = offset
        let state = (try u64(), try u64(), try u64(), try u64())
        guard let stream = RandomStream(state: state) else {
            throw .valueOutOfRange(offset: at, value: 0, limit: 0)
        }
        return stream
    }
}
