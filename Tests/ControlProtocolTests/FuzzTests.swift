import Testing
@testable import ControlProtocol

/// A small, seeded generator so that a failure reproduces.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random and mutated input: the decoder must never trap, and every rejection must turn into one
/// well-formed error line that the client reads back with the same code.
@Suite struct FuzzTests {
    /// Decodes `line`; when rejected, checks the error line the daemon would send.
    private func check(_ line: [UInt8]) -> DecodedRequest {
        let decoded = RequestDecoder.decode(line: line)
        switch decoded.result {
        case .success(let request):
            // Whatever was accepted re-encodes to a line that decodes to the same request.
            let again = RequestDecoder.decode(line: RequestEncoder.encode(request, id: decoded.id, onBehalfOf: decoded.onBehalfOf).dropLast())
            #expect(again == decoded)
        case .failure(let error):
            let response = ResponseEncoder.failure(id: decoded.id, error)
            #expect(response.last == 0x0A && !response.dropLast().contains(0x0A))
            let read = ResponseDecoder.decode(line: response.dropLast())
            #expect(read == .success(.failure(id: decoded.id, error: error)))
        }
        return decoded
    }

    @Test func randomBytes() {
        var rng = SplitMix64(seed: 0x5EED)
        let alphabet = Array(#"{}[]":,0123456789.-+eE truefalsn\u"vcmdidtask"#.utf8) + [0, 0x0A, 0x0D, 0x80, 0xC3, 0xFF, 0xED, 0xA0]
        var rejected = 0
        for round in 0..<20_000 {
            let length = Int(rng.next() % 120)
            let line: [UInt8] = (0..<length).map { _ in
                round % 2 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : alphabet[Int(rng.next() % UInt64(alphabet.count))]
            }
            if check(line).error != nil { rejected += 1 }
        }
        #expect(rejected == 20_000, "random bytes are never a valid request")
    }

    @Test func mutatedValidRequests() {
        var rng = SplitMix64(seed: 42)
        let seeds = RequestRoundTripTests.requests.map { Array(RequestEncoder.encode($0, id: 99).dropLast()) }
        var accepted = 0
        var codes: Set<ErrorCode> = []
        let expected: Set<ErrorCode> = [.invalidJSON, .unknownCommand, .unknownField, .wrongType, .invalidRequest]
        // At least 20,000 mutations; more (up to 100,000) until each expected error has appeared,
        // so that adding a command (a seed) does not make a rare error code go missing by chance.
        for round in 0..<100_000 {
            if round >= 20_000, accepted > 100, codes.isSuperset(of: expected) { break }
            var line = seeds[Int(rng.next() % UInt64(seeds.count))]
            for _ in 0..<(1 + rng.next() % 3) where !line.isEmpty {
                let at = Int(rng.next() % UInt64(line.count))
                switch rng.next() % 4 {
                case 0: line[at] = UInt8(truncatingIfNeeded: rng.next())
                case 1: line.remove(at: at)
                case 2: line.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
                default: line.insert(contentsOf: line[at...].prefix(8), at: at)
                }
            }
            let decoded = check(line)
            if let error = decoded.error { codes.insert(error.code) } else { accepted += 1 }
        }
        // Both sides of the decoder are exercised: some mutations stay valid, many distinct errors appear.
        #expect(accepted > 100)
        #expect(codes.isSuperset(of: expected))
    }

    @Test func everySingleByteAndPair() {
        for a in 0...255 {
            #expect(check([UInt8(a)]).error != nil)
            for b in stride(from: 0, through: 255, by: 5) {
                #expect(check([UInt8(a), UInt8(b)]).error != nil)
            }
        }
    }

    @Test func hostileShapes() {
        let shapes: [[UInt8]] = [
            Array(String(repeating: "[", count: 65_000).utf8),
            Array(String(repeating: "{\"a\":[", count: 10_000).utf8),
            Array(("{\"v\":1,\"cmd\":\"" + String(repeating: "\\u0000", count: 10_000) + "\"}").utf8),
            Array(("{\"v\":1,\"cmd\":\"status\",\"x\":" + String(repeating: "9", count: 60_000) + "}").utf8),
            Array(("{\"v\":1" + String(repeating: ",\"k\":1", count: 2) + "}").utf8),
            [UInt8](repeating: 0, count: 65_536),
            [UInt8](repeating: 0xFF, count: 65_537),
            Array("\"\\ud83d\"".utf8),
            Array("{\"v\":1,\"cmd\":\"status\"".utf8) + [0xF4, 0x90, 0x80, 0x80] + Array("}".utf8),
        ]
        for shape in shapes {
            #expect(check(shape).error != nil)
        }
    }
}
