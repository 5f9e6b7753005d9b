extension Array {
    /// Sets element `index`, appending when `index` is the next one. Runs number campaigns,
    /// products, negotiations and deals densely from 0, so tables of them grow one entry at a
    /// time; an index past the end (only a forged ledger holds one, and the checker reports
    /// it) stores nothing and returns false, so no recorded number makes a reader allocate.
    @inlinable
    @discardableResult
    public mutating func setDense(_ index: Int, _ value: Element) -> Bool {
        if index >= 0 && index < count {
            self[index] = value
        } else if index == count {
            append(value)
        } else {
            return false
        }
        return true
    }
}
