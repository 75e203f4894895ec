import Foundation

/// Runs one of the package's built executables (or any program) and captures its output.
public struct CommandResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    public let pid: Int32
}

public enum Command {
    /// The folder holding the built executables: the one this test binary runs from.
    public static let binDirectory: URL = URL(fileURLWithPath: "/proc/self/exe")
        .resolvingSymlinksInPath().deletingLastPathComponent()

    public static func path(of executable: String) -> String {
        binDirectory.appendingPathComponent(executable).path
    }

    /// Runs `executable` (a name in `binDirectory`, or an absolute path) to completion.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           removingEnvironment: [String] = [], cwd: String? = nil) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : path(of: executable))
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in removingEnvironment { env[key] = nil }
        for (key, value) in environment ?? [:] { env[key] = value }
        process.environment = env
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes to the end before waiting, so a chatty child cannot block on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        DispatchQueue.global().async(group: group) { outData = out.fileHandleForReading.readDataToEndOfFile() }
        errData = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData, as: UTF8.self), pid: process.processIdentifier)
    }
}
