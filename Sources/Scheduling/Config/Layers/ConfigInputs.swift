import Foundation

/// The texts the configuration is made of, in the order they apply: the main file, then
/// every `*.yaml` in `<main>.d/` in lexical order (as systemd reads `*.conf` drop-ins), then
/// the environment file. Reading never throws: a file that cannot be read is an issue, so
/// that every problem of every layer is reported at once.
public struct ConfigInputs: Sendable, Equatable {
    /// One file as read.
    public struct File: Sendable, Equatable {
        /// As the operator named it (the main file as given to `--config`, a drop-in as
        /// `<main>.d/<name>`), for messages.
        public let path: String
        public let text: String

        public init(path: String, text: String) {
            self.path = path
            self.text = text
        }

        /// A hash of the path and text (see `ConfigRevision`).
        public var revision: String { ConfigRevision.of([self]) }
    }

    /// The name of the drop-in the daemon writes run-time edits to.
    public static let managedFileName = "90-runtime.yaml"

    /// The main file as named; its text is nil when it could not be read.
    public var mainPath: String
    public var main: File?
    /// Drop-ins in the order they apply.
    public var dropIns: [File]
    /// The `--env-file`, if one was given and could be read.
    public var envFile: File?
    public var envFilePath: String?
    /// Files that could not be read (with the OS's reason).
    public var issues: [ConfigIssue]
    /// Files that look like drop-ins but are not read (`10-x.yml`).
    public var warnings: [ConfigIssue]

    public init(mainPath: String, main: File?, dropIns: [File] = [], envFilePath: String? = nil, envFile: File? = nil,
                issues: [ConfigIssue] = [], warnings: [ConfigIssue] = []) {
        self.mainPath = mainPath
        self.main = main
        self.dropIns = dropIns
        self.envFilePath = envFilePath
        self.envFile = envFile
        self.issues = issues
        self.warnings = warnings
    }

    /// `<main>.d`, the drop-in directory, as named.
    public var dropInDirectory: String { Self.dropInDirectory(of: mainPath) }

    /// `<main>.d/90-runtime.yaml`, the file run-time edits go to.
    public var managedPath: String { Self.managedPath(of: mainPath) }

    public static func dropInDirectory(of mainPath: String) -> String { mainPath + ".d" }

    public static func managedPath(of mainPath: String) -> String {
        dropInDirectory(of: mainPath) + "/" + managedFileName
    }

    /// The managed drop-in as read, if it exists.
    public var managed: File? { dropIns.first { $0.path == managedPath } }

    /// Every file read, in order (the environment file last).
    public var files: [File] { (main.map { [$0] } ?? []) + dropIns + (envFile.map { [$0] } ?? []) }

    /// Each file's own revision, to tell which changed.
    public var fileRevisions: [ConfigLayers.FileRevision] {
        files.map { ConfigLayers.FileRevision(path: $0.path, revision: $0.revision) }
    }

    /// Identifies these exact texts: any change to any layer (a drop-in added, removed or
    /// edited, the environment file edited) gives another revision.
    public var revision: String { ConfigRevision.of(files) }

    /// The same inputs with the managed drop-in's text replaced (nil: the file removed), kept
    /// in its lexical place among the drop-ins: what the configuration would be after an edit.
    public func replacingManaged(with text: String?) -> ConfigInputs {
        var copy = self
        copy.dropIns.removeAll { $0.path == managedPath }
        if let text {
            copy.dropIns.append(File(path: managedPath, text: text))
            copy.dropIns.sort { Self.dropInOrder($0.path, $1.path) }
        }
        return copy
    }

    /// Lexical order of names by bytes, as systemd sorts drop-ins (`10-a` before `9-b`).
    static func dropInOrder(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    // MARK: - Reading

    /// Reads the main file, its drop-ins and the environment file.
    public static func read(path: String, envFile: String?) -> ConfigInputs {
        var inputs = ConfigInputs(mainPath: path, main: nil, envFilePath: envFile)
        switch ConfigLoader.readText(path) {
        case .success(let text): inputs.main = File(path: path, text: text)
        case .failure(let reason):
            inputs.issues.append(ConfigIssue(file: path, line: nil, keyPath: "",
                                             message: "cannot read the configuration: \(reason) (check the path given to --config)"))
        }
        inputs.readDropIns()
        if let envFile {
            switch ConfigLoader.readText(envFile) {
            case .success(let text): inputs.envFile = File(path: envFile, text: text)
            case .failure(let reason):
                inputs.issues.append(ConfigIssue(file: envFile, line: nil, keyPath: "",
                                                 message: "cannot read the environment file: \(reason) (check the path given to --env-file)"))
            }
        }
        return inputs
    }

    private mutating func readDropIns() {
        let directory = dropInDirectory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else {
            issues.append(ConfigIssue(file: directory, line: nil, keyPath: "",
                                      message: "is not a directory (drop-ins go in a directory of that name; move the file away)"))
            return
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            issues.append(ConfigIssue(file: directory, line: nil, keyPath: "",
                                      message: "cannot list the drop-in directory: \(ConfigLoader.reason(error, path: directory))"))
            return
        }
        // Hidden names are skipped: editors' swap files and the daemon's own temporary files.
        for name in names.filter({ !$0.hasPrefix(".") }).sorted(by: Self.dropInOrder) {
            let path = directory + "/" + name
            if name.hasSuffix(".yml") {
                warnings.append(ConfigIssue(file: path, line: nil, keyPath: "",
                                            message: "is not read: drop-ins end in .yaml (rename it to \(name.dropLast(4)).yaml)"))
                continue
            }
            guard name.hasSuffix(".yaml") else { continue }
            switch ConfigLoader.readText(path) {
            case .success(let text): dropIns.append(File(path: path, text: text))
            case .failure(let reason):
                issues.append(ConfigIssue(file: path, line: nil, keyPath: "", message: "cannot read the drop-in: \(reason)"))
            }
        }
    }
}
