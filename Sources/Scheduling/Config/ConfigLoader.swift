import Foundation
import Yams

/// A validated configuration and the warnings found on the way.
public struct LoadedConfig: Sendable, Equatable {
    public var config: SchedulerConfig
    /// Non-fatal issues (an environment variable naming no task, ...), sorted by line.
    public var warnings: [ConfigIssue]

    public init(config: SchedulerConfig, warnings: [ConfigIssue]) {
        self.config = config
        self.warnings = warnings
    }
}

/// Reads `config/production.yaml` (the YAML contract is in docs and `config/production.yaml`)
/// and the `SCHEDULER_*` environment overrides into a `SchedulerConfig`. Every problem is
/// reported, each as `FILE:LINE: key.path: message`.
public enum ConfigLoader {
    /// Parses and validates YAML text. Pure except that a relative `path` is made absolute
    /// against `currentDirectory` (default: the process's current directory).
    ///
    /// - Parameters:
    ///   - yaml: the configuration text.
    ///   - path: the file as the operator named it; used in messages as given, and to resolve
    ///     relative paths in the configuration against its folder.
    ///   - environment: the process environment (only `SCHEDULER_*` variables are read).
    ///   - envFile: an `--env-file`, whose values win over `environment`'s.
    public static func parse(yaml: String, path: String, environment: [String: String],
                             envFile: EnvironmentFile? = nil, currentDirectory: String? = nil) throws(ConfigErrors) -> LoadedConfig {
        let cwd = currentDirectory ?? FileManager.default.currentDirectoryPath
        let sourcePath = ConfigPaths.resolve(path, against: cwd)
        var reader = ConfigReader(file: path)

        let root: Node?
        do {
            // The basic resolver tags every scalar as a string without running Yams's regular
            // expressions (int, float, bool, timestamp...): the reader interprets scalars itself,
            // and the regexes were half of the start-up time of a 10,000-task file.
            root = try Yams.compose(yaml: yaml, .basic)
        } catch {
            throw ConfigErrors([yamlIssue(error, file: path)])
        }
        guard let root, !ConfigReader.isNull(root) else {
            throw ConfigErrors([ConfigIssue(file: path, line: 1, keyPath: "",
                                            message: "the file is empty (it needs a scheduler: section with tasks:)")])
        }
        var result: (config: SchedulerConfig, taskNames: [String])?
        if let top = reader.mapping(root, path: "", known: ["scheduler"], expected: "a scheduler: section") {
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
            throw ConfigErrors(reader.issues, warnings: reader.warnings)
        }
        return LoadedConfig(config: config, warnings: ConfigErrors.sorted(reader.warnings))
    }

    /// Reads the configuration file and the optional environment file, then `parse`s them.
    /// A missing or unreadable file is reported like any other issue, with the OS's reason.
    public static func load(path: String, envFile: String?, environment: [String: String]) throws(ConfigErrors) -> LoadedConfig {
        var issues: [ConfigIssue] = []
        let yaml: String?
        switch readText(path) {
        case .success(let text): yaml = text
        case .failure(let reason):
            yaml = nil
            issues.append(ConfigIssue(file: path, line: nil, keyPath: "",
                                      message: "cannot read the configuration: \(reason) (check the path given to --config)"))
        }
        var environmentFile: EnvironmentFile?
        if let envFile {
            switch readText(envFile) {
            case .success(let text):
                do { environmentFile = try EnvironmentFile(parsing: text, path: envFile) } catch { issues += error.issues }
            case .failure(let reason):
                issues.append(ConfigIssue(file: envFile, line: nil, keyPath: "",
                                          message: "cannot read the environment file: \(reason) (check the path given to --env-file)"))
            }
        }
        guard let yaml else { throw ConfigErrors(issues) }
        let loaded: LoadedConfig
        do {
            loaded = try parse(yaml: yaml, path: path, environment: environment, envFile: environmentFile)
        } catch {
            // The configuration's own issues first, then the environment file's.
            throw ConfigErrors(error.issues + issues, warnings: error.warnings)
        }
        if !issues.isEmpty { throw ConfigErrors(issues, warnings: loaded.warnings) }
        return loaded
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
    private static func reason(_ error: Error, path: String) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            return isDirectory.boolValue ? String(cString: strerror(EISDIR)) : String(cString: strerror(EACCES))
        }
        return String(cString: strerror(ENOENT))
    }

    /// A YAML syntax error as an issue with its line.
    static func yamlIssue(_ error: Error, file: String) -> ConfigIssue {
        let fix = "check the indentation and quoting"
        guard let yamlError = error as? YamlError else {
            return ConfigIssue(file: file, line: nil, keyPath: "", message: "YAML error: \(error) (\(fix))")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let where_ = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            return ConfigIssue(file: file, line: mark.line, keyPath: "", message: "YAML syntax error: \(problem)\(where_); \(fix)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            return ConfigIssue(file: file, line: context.mark.line, keyPath: "",
                               message: "duplicate key \(keys) in one mapping (each key may appear once: remove or rename one)")
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
