import Foundation
import GRDB

/// A database error together with the OS error SQLite saw (`sqlite3_system_errno`), captured on
/// the connection's queue right after the failure, before another statement can overwrite it.
struct CapturedDatabaseError: Error {
    let error: DatabaseError
    let systemErrno: Int32
}

extension StoreError {
    /// Maps whatever GRDB threw to a `StoreError` naming `path` and `operation`.
    /// `fallbackErrno` is the OS reason found by probing the directory (StateDirectory.writeFailure), used when SQLite has none.
    static func from(_ error: any Error, path: String, operation: String,
                     fallbackErrno: @autoclosure () -> Int32? = nil) -> StoreError {
        if let error = error as? StoreError { return error }
        let databaseError: DatabaseError
        var systemErrno: Int32 = 0
        if let captured = error as? CapturedDatabaseError {
            databaseError = captured.error
            systemErrno = captured.systemErrno
        } else if let error = error as? DatabaseError {
            databaseError = error
        } else {
            return StoreError(code: .database, path: path, operation: operation, reason: "\(error)")
        }
        let code = Code(databaseError.resultCode)
        if systemErrno == 0, code != .database, code != .invalidRecord, let probed = fallbackErrno() {
            systemErrno = probed
        }
        var parts: [String] = []
        if systemErrno != 0 { parts.append(osReason(systemErrno)) }
        let sqliteText = databaseError.message ?? "error"
        parts.append("SQLite: \(sqliteText) (\(sqliteName(databaseError.extendedResultCode)))")
        return StoreError(code: code, path: path, operation: operation, reason: parts.joined(separator: "; "))
    }

    /// `SQLITE_IOERR (extended code 778)` or `SQLITE_FULL`.
    private static func sqliteName(_ code: ResultCode) -> String {
        let names: [CInt: String] = [
            1: "SQLITE_ERROR", 3: "SQLITE_PERM", 5: "SQLITE_BUSY", 6: "SQLITE_LOCKED", 8: "SQLITE_READONLY",
            10: "SQLITE_IOERR", 11: "SQLITE_CORRUPT", 13: "SQLITE_FULL", 14: "SQLITE_CANTOPEN",
            19: "SQLITE_CONSTRAINT", 23: "SQLITE_AUTH", 26: "SQLITE_NOTADB",
        ]
        let primary = code.primaryResultCode.rawValue
        let name = names[primary] ?? "SQLite code \(primary)"
        return code.rawValue == primary ? name : "\(name), extended code \(code.rawValue)"
    }
}

extension StoreError.Code {
    init(_ resultCode: ResultCode) {
        switch resultCode.primaryResultCode {
        case .SQLITE_FULL: self = .diskFull
        case .SQLITE_READONLY: self = .readOnly
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH: self = .cannotOpen
        case .SQLITE_IOERR: self = .ioError
        case .SQLITE_BUSY, .SQLITE_LOCKED: self = .busy
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: self = .corrupt
        default: self = .database
        }
    }
}
