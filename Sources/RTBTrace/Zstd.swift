import CZstd

/// The project's one zstd wrapper: a compression context and a decompression context, each
/// owned by one object and used from one thread.
public final class ZstdCompressor {
    private let context: OpaquePointer
    /// zstd level (1 fastest ... 19 smallest). Never affects a digest: hashes cover raw bytes.
    public let level: Int32
    /// The recorder's default: level 1 keeps compression off the critical path (about 1.6x
    /// faster than level 3 here for ledgers a few percent larger).
    public static let defaultLevel: Int32 = 1

    public init(level: Int32 = ZstdCompressor.defaultLevel) {
        guard let context = ZSTD_createCCtx() else {
            preconditionFailure("ZSTD_createCCtx failed (out of memory)")
        }
        self.context = context
        self.level = level
    }

    deinit { ZSTD_freeCCtx(context) }

    /// Compresses `bytes` as one zstd frame with the content size recorded.
    public func compress(_ bytes: [UInt8]) -> [UInt8] {
        let bound = ZSTD_compressBound(bytes.count)
        var output = [UInt8](repeating: 0, count: bound)
        let written = output.withUnsafeMutableBytes { out in
            bytes.withUnsafeBytes { input in
                ZSTD_compressCCtx(
                    context, out.baseAddress, bound, input.baseAddress, input.count, level)
            }
        }
        precondition(
            ZSTD_isError(written) == 0, "zstd compression failed: \(Self.errorName(written))")
        output.removeLast(bound - written)
        return output
    }

    static func errorName(_ code: Int) -> String {
        String(cString: ZSTD_getErrorName(code))
    }
}

/// Decompresses zstd frames, rejecting garbage, truncation and size mismatches.
public final class ZstdDecompressor {
    private let context: OpaquePointer

    public init() {
        guard let context = ZSTD_createDCtx() else {
            preconditionFailure("ZSTD_createDCtx failed (out of memory)")
        }
        self.context = context
    }

    deinit { ZSTD_freeDCtx(context) }

    /// Decompresses one frame into `output` (reusing its storage), which must expand to exactly
    /// `expectedSize` bytes (at most `limit`).
    public func decompress(
        _ compressed: [UInt8], into output: inout [UInt8], expectedSize: Int,
        limit: Int = 1 << 30
    ) throws(ZstdError) {
        guard expectedSize >= 0, expectedSize <= limit else { throw .sizeOutOfRange(expectedSize) }
        let declared = compressed.withUnsafeBytes {
            ZSTD_getFrameContentSize($0.baseAddress, $0.count)
        }
        if declared == ZSTD_CONTENTSIZE_ERROR { throw .notZstd }
        if declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != UInt64(expectedSize) {
            throw .sizeMismatch(expected: expectedSize, actual: Int(clamping: declared))
        }
        if output.count != expectedSize {
            output = [UInt8](unsafeUninitializedCapacity: expectedSize) { _, count in
                count = expectedSize
            }
        }
        let written = output.withUnsafeMutableBytes { out in
            compressed.withUnsafeBytes { input in
                ZSTD_decompressDCtx(
                    context, out.baseAddress, out.count, input.baseAddress, input.count)
            }
        }
        if ZSTD_isError(written) != 0 { throw .corrupt(ZstdCompressor.errorName(written)) }
        guard written == expectedSize else {
            throw .sizeMismatch(expected: expectedSize, actual: written)
        }
    }

    /// Decompresses one frame that must expand to exactly `expectedSize` bytes (at most
    /// `limit`, so a forged size cannot exhaust memory).
    public func decompress(_ compressed: [UInt8], expectedSize: Int, limit: Int = 1 << 30)
        throws(ZstdError) -> [UInt8]
    {
        guard expectedSize >= 0, expectedSize <= limit else { throw .sizeOutOfRange(expectedSize) }
        let declared = compressed.withUnsafeBytes {
            ZSTD_getFrameContentSize($0.baseAddress, $0.count)
        }
        if declared == ZSTD_CONTENTSIZE_ERROR { throw .notZstd }
        if declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != UInt64(expectedSize) {
            throw .sizeMismatch(expected: expectedSize, actual: Int(clamping: declared))
        }
        var output = [UInt8](repeating: 0, count: expectedSize)
        let written = output.withUnsafeMutableBytes { out in
            compressed.withUnsafeBytes { input in
                ZSTD_decompressDCtx(
                    context, out.baseAddress, out.count, input.baseAddress, input.count)
            }
        }
        if ZSTD_isError(written) != 0 {
            throw .corrupt(ZstdCompressor.errorName(written))
        }
        guard written == expectedSize else {
            throw .sizeMismatch(expected: expectedSize, actual: written)
        }
        return output
    }
}

/// Why a stored blob is not the zstd frame it claims to be.
public enum ZstdError: Error, Equatable, CustomStringConvertible {
    case notZstd
    case corrupt(String)
    case sizeMismatch(expected: Int, actual: Int)
    case sizeOutOfRange(Int)

    public var description: String {
        switch self {
        case .notZstd: return "not a zstd frame"
        case .corrupt(let reason): return "corrupt zstd frame (\(reason))"
        case .sizeMismatch(let expected, let actual):
            return "zstd frame expands to \(actual) bytes, expected \(expected)"
        case .sizeOutOfRange(let size): return "declared size \(size) out of range"
        }
    }
}
