// libFuzzer target over the control protocol's JSON parser and request/response decoders.
// Built by Tests/Fuzz/run.sh together with Sources/ControlProtocol/*.swift as one module (so the
// internal parser is reachable), with -sanitize=fuzzer,address. Any trap is a finding.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzControlProtocol(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // What the parser accepts, the writer writes back to the same value.
    if let value = try? JSONParser.parse(bytes) {
        var written: [UInt8] = []
        JSONWriter.write(value, into: &written)
        guard let again = try? JSONParser.parse(written), again == value else {
            fatalError("JSON round trip changed \(String(decoding: bytes.prefix(200), as: UTF8.self))")
        }
    }
    // A request line: accepted ones re-encode to the same request; refused ones turn into one error
    // line that the client reads back with the same code and message.
    let decoded = RequestDecoder.decode(line: bytes)
    switch decoded.result {
    case .success(let request):
        let line = RequestEncoder.encode(request, id: decoded.id)
        guard line.last == 0x0A, RequestDecoder.decode(line: line.dropLast()) == decoded else {
            fatalError("request round trip changed \(request)")
        }
    case .failure(let error):
        let line = ResponseEncoder.failure(id: decoded.id, error)
        guard line.last == 0x0A, !line.dropLast().contains(0x0A),
              ResponseDecoder.decode(line: line.dropLast()) == .success(.failure(id: decoded.id, error: error)) else {
            fatalError("error line for \(error.code) does not read back")
        }
    }
    // A response line, as v6ctl reads the daemon's.
    _ = ResponseDecoder.decode(line: bytes)
    return 0
}
