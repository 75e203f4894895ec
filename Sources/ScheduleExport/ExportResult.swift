/// One file of an export.
public struct ExportFile: Sendable, Equatable {
    public let name: String
    public let text: String
}

/// What an export produces.
public struct ExportResult: Sendable {
    public let files: [ExportFile]
    /// Everything the target cannot express (each also a comment in the files).
    public let notes: [ExportNote]
}
