import Foundation
import Yams

/// A validated configuration and the warnings found on the way.
public struct LoadedConfig: Sendable, Equatable {
    public var config: SchedulerConfig
    /// Non-fatal issues (an environment variable naming no task, ...), sorted by line.
    public var warnings: [ConfigIssue]
    /// The files it came from, its revision, and every value with its source.
    public var layers: ConfigLayers

    public init(config: SchedulerConfig, warnings: [ConfigIssue], layers: ConfigLayers? = nil) {
        self.config = config
        self.warnings = warnings
        self.layers = layers ?? ConfigLayers(revision: "", mainPath: config.sourcePath,
                                             managedPath: ConfigInputs.managedPath(of: config.sourcePath),
                                             files: [], values: [], taskFiles: [:])
    }

    /// The revision of the files this was loaded from.
    public var revision: String { layers.revision }
}

/// Reads the configuration (the YAML contract is in docs and `config/production.yaml`) in
/// layers, later winning: the main file, its drop-ins `<main>.d/*.yaml` in lexical order,
/// then the `SCHEDULER_*` environment overrides, into a `SchedulerConfig`. `check-config`,
/// `plan`, the daemon's start, reloads and run-time edits all come through here. Every
/// problem is reported, each as `FILE:LINE: key.path: message` naming the file it is in.
public enum ConfigLoader {
    /// Parses and validates one YAML text with no drop-ins. Pure except that a relative `path`
    /// is made absolute against `currentDirectory` (default: the process's current directory).
    ///
    /// - Parameters:
    ///   - yaml: the configuration text.
    ///   - path: the file as the operator named it; used in messages as given, and to resolve
    ///     relative paths in the configuration against its folder.
    ///   - environment: the process environment (only `SCHEDULER_*` variables are read).
    ///   - envFile: an `--env-file`, whose values win over `environment`'s.
    public static func parse(yaml: String, path: String, environment: [String: String],
                             envFile: EnvironmentFile? = nil, currentDirectory: String? = nil) throws(ConfigErrors) -> LoadedConfig {
        try parse(ConfigInputs(mainPath: path, main: ConfigInputs.File(path: path, text: yaml)), environment: environment,
                  envFile: envFile, currentDirectory: currentDirectory)
    }

    /// Parses and validates every layer of `inputs`: the main file, its drop-ins, the
    /// environment file (parsed from `inputs` unless `envFile` is given) and `environment`.
    /// Pure apart from the current directory (see `parse(yaml:...)`).
    public static func parse(_ inputs: ConfigInputs, environment: [String: String], envFile: EnvironmentFile? = nil,
                             currentDirectory: String? = nil) throws(ConfigErrors) -> LoadedConfig {
        var issues = inputs.issues
        var environmentFile = envFile
        if environmentFile == nil, let file = inputs.envFile {
            do { environmentFile = try EnvironmentFile(parsing: file.text, path: file.path) } catch { issues += error.issues }
        }
        let loaded: LoadedConfig
        do {
            loaded = try parseLayers(inputs, environment: environment, envFile: environmentFile, currentDirectory: currentDirectory)
        } catch {
            // The configuration's own issues first, then the unreadable files' and the environment file's.
            throw ConfigErrors(error.issues + issues, warnings: error.warnings + inputs.warnings)
        }
        if !issues.isEmpty { throw ConfigErrors(issues, warnings: loaded.warnings) }
        return loaded
    }

    private static func parseLayers(_ inputs: ConfigInputs, environment: [String: String], envFile: EnvironmentFile?,
                                    currentDirectory: String?) throws(ConfigErrors) -> LoadedConfig {
        let path = inputs.mainPath
        let cwd = currentDirectory ?? FileManager.default.currentDirectoryPath
        let sourcePath = ConfigPaths.resolve(path, against: cwd)
        var merger = LayerMerger()
        guard let root = merger.merge(inputs) else {
            throw ConfigErrors(merger.issues, warnings: merger.warnings + inputs.warnings)
        }
        var reader = ConfigReader(file: path, sources: merger.sources)
        for issue in merger.issues { reader.add(issue) }
        for warning in merger.warnings + inputs.warnings { reader.add(warning, warning: true) }

        var result: (config: SchedulerConfig, taskNames: [String])?
        if let top = reader.mapping(root, path: "", known: ["scheduler"] + extensionKeys(root), expected: "a scheduler: section") {
            if let scheduler = top.value("scheduler") {
                result = reader.readScheduler(scheduler, sourcePath: sourcePath)
            } else if let line = top.keyLine("scheduler") {
                reader.error(line, "scheduler", "is empty (add tasks: under it)")
            } else {
                reader.error(top.line, "scheduler", "is missing (the file needs a scheduler: section with tasks:)")
            }
        }
        if let names = result?.taskNames, var config = result?.config {
            reader.applyEnvironment(to: &config, taskNames: names, environment: environment, envFile: envFile)
            result = (config, names)
        }
        guard reader.issues.isEmpty, let config = result?.config else {
            throw ConfigErrors(merger.sources.inLayerOrder(reader.issues), warnings: merger.sources.inLayerOrder(reader.warnings))
        }
        let layers = ConfigLayers(revision: inputs.revision, mainPath: path, managedPath: inputs.managedPath,
                                  files: inputs.fileRevisions,
                                  values: ConfigLayers.values(of: root, sources: merger.sources), taskFiles: merger.taskFiles)
        return LoadedConfig(config: config, warnings: ConfigErrors.sorted(merger.sources.inLayerOrder(reader.warnings)), layers: layers)
    }

    /// Top-level keys starting with `x-` (as in Compose files): ignored, a place for YAML anchors
    /// that tasks merge in (`<<: *defaults`).
    static func extensionKeys(_ root: Node) -> [String] {
        guard case .mapping(let top) = root else { return [] }
        return top.keys.compactMap { key in
            guard case .scalar(let s) = key, s.string.hasPrefix("x-") else { return nil }
            return s.string
        }
    }

    /// Reads the configuration file, its drop-ins and the optional environment file, then
    /// `parse`s them. A missing or unreadable file is reported like any other issue, with the
    /// OS's reason.
    public static func load(path: String, envFile: String?, environment: [String: String]) throws(ConfigErrors) -> LoadedConfig {
        try parse(ConfigInputs.read(path: path, envFile: envFile), environment: environment)
    }

    /// The file's UTF-8 text, or the OS's reason (`No such file or directory`, ...).
    static func readText(_ path: String) -> Result<String, ReadFailure> {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard let text = String(data: data, encoding: .utf8) else { return .failure(ReadFailure("it is not UTF-8 text")) }
            return .success(text)
        } catch {
            return .failure(ReadFailure(reason(error, path: path)))
        }
    }

    struct ReadFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// strerror of the underlying POSIX error when Foundation gives one.
    static func reason(_ error: Error, path: String) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        // Foundation says "no such file" for more than that (a symlink loop, ...): ask the OS.
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return String(cString: strerror(errno)) }
        close(fd)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            return isDirectory.boolValue ? String(cString: strerror(EISDIR)) : String(cString: strerror(EACCES))
        }
        return String(cString: strerror(ENOENT))
    }

    /// A YAML syntax error as an issue with its file and line (`sources` numbers the lines of
    /// every layer globally).
    static func yamlIssue(_ error: Error, sources: ConfigSourceMap) -> ConfigIssue {
        let fix = "check the indentation and quoting"
        let file = sources.files.last?.path ?? ""
        guard let yamlError = error as? YamlError else {
            return ConfigIssue(file: file, line: nil, keyPath: "", message: "YAML error: \(error) (\(fix))")
        }
        func at(_ line: Int, _ message: String) -> ConfigIssue {
            let located = sources.locate(line)
            return ConfigIssue(file: located.file, line: located.line, keyPath: "", message: message)
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let where_ = context.map { " (\($0.text) at line \(sources.locate($0.mark.line).line))" } ?? ""
            return at(mark.line, "YAML syntax error: \(problem)\(where_); \(fix)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            return at(context.mark.line, "duplicate key \(keys) in one mapping (each key may appear once: remove or rename one)")
        case .reader(let problem, _, _, _):
            return ConfigIssue(file: file, line: nil, keyPath: "", message: "YAML error: \(problem) (the file must be UTF-8 text)")
        default:
            return ConfigIssue(file: file, line: nil, keyPath: "", message: "YAML error: \(yamlError) (\(fix))")
        }
    }
}

extension TaskConfig {
    /// `SCHEDULER_<NAME>_ENABLED`, the variable that turns this task on or off.
    public var enabledVariable: String { ConfigReader.enabledVariable(for: name) }
}
