// libFuzzer target over the configuration's value parsers: cron expressions, durations and `at:`
// entries. Built by Tests/Fuzz/run.sh with their sources (and MarketCalendar) as one program, with
// -sanitize=fuzzer,address. Any trap is a finding; so is a value that does not survive being
// written out and read again.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScheduleSyntax(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let cron = try? CronExpression(parsing: text) {
        guard let again = try? CronExpression(parsing: cron.description), again == cron else {
            fatalError("cron \(text) does not read back")
        }
        _ = cron.times
    }
    if let seconds = DurationSyntax.seconds(text) {
        guard seconds > 0, DurationSyntax.seconds(DurationSyntax.canonical(seconds)) == seconds else {
            fatalError("duration \(text) = \(seconds) s does not read back from \(DurationSyntax.canonical(seconds))")
        }
    } else {
        _ = DurationSyntax.parse(text)  // the message for a bad one
    }
    if let at = AtSyntax.parse(text) {
        guard AtSyntax.parse(at.description) == at else { fatalError("at \(text) does not read back from \(at)") }
    } else {
        _ = AtSyntax.check(text)
    }
    return 0
}
