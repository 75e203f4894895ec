import Testing
import TestSupport
@testable import ControlProtocol

/// Random and mutated input: the decoder must never trap, and every rejection must turn into one
/// well-formed error line that the client reads back with the same code. 100,000 lines in all
/// (random bytes and mutated valid requests, 50,000 each), seeded so a failure reproduces; the
/// coverage-guided fuzzer over the same code runs in `make bench` (Tests/Fuzz).
@Suite struct FuzzTests {
    static let linesPerTest = 50_000

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

    // The loops are long and synchronous: they yield now and then, so that they do not hold one of
    // the few threads Swift Testing runs every suite's async tests on (other suites time out).
    @Test func randomBytes() async {
        var rng = SplitMix64(seed: 0x5EED)
        let alphabet = Array(#"{}[]":,0123456789.-+eE truefalsn\u"vcmdidtask"#.utf8) + [0, 0x0A, 0x0D, 0x80, 0xC3, 0xFF, 0xED, 0xA0]
        var rejected = 0
        for round in 0..<Self.linesPerTest {
            if round % 1_000 == 0 { await Task.yield() }
            let length = Int(rng.next() % 120)
            let line: [UInt8] = (0..<length).map { _ in
                round % 2 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : alphabet[Int(rng.next() % UInt64(alphabet.count))]
            }
            if check(line).error != nil { rejected += 1 }
        }
        #expect(rejected == Self.linesPerTest, "random bytes are never a valid request")
        print("FIGURE: fuzz control lines random_bytes=\(Self.linesPerTest) rejected=\(rejected) crashes=0")
    }

    @Test func mutatedValidRequests() async {
        var rng = SplitMix64(seed: 42)
        let seeds = RequestRoundTripTests.requests.map { Array(RequestEncoder.encode($0, id: 99).dropLast()) }
        var accepted = 0
        var codes: Set<ErrorCode> = []
        for round in 0..<Self.linesPerTest {
            if round % 1_000 == 0 { await Task.yield() }
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
        print("FIGURE: fuzz control lines mutated_requests=\(Self.linesPerTest) accepted=\(accepted) error_codes=\(codes.count) crashes=0")
        #expect(accepted > 100)
        #expect(codes.isSuperset(of: [.invalidJSON, .unknownCommand, .unknownField, .wrongType, .invalidRequest]))
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
