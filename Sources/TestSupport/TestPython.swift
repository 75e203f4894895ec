import Foundation

/// The Python that runs the tests' helper scripts: the checkout's `.build/venv/bin/python`, where
/// `make test-deps` installs the pinned PyPI packages (aiosmtpd, selenium, ...), else `python3`
/// from PATH (enough for scripts that use only the standard library).
public enum TestPython {
    /// The checkout this file belongs to.
    public static let checkout: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// An absolute path to the venv's python, or `python3` (run through `/usr/bin/env`).
    public static let executable: String = {
        let venv = checkout.appendingPathComponent(".build/venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
    }()
}
