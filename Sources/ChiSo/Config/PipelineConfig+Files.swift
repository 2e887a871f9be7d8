import Foundation

/// The pipeline's files on disk: checked, globbed (the shell's side of the configuration).
extension PipelineConfig {
    /// The resolved path of a configuration file the pipeline names (registry, crosswalk, references).
    /// - Throws: ``ConfigError`` at the place the path is written, naming the absolute path looked at,
    ///   when there is no such file.
    public func requireFile(_ kind: SourceKind, _ relative: String) throws -> String {
        let path = resolve(relative)
        guard FileManager.default.fileExists(atPath: path) else { throw missingFile(kind, resolved: path) }
        try requireRegularFile(kind, path)
        return path
    }

    /// Inputs are regular files only: a device (`/dev/zero`), a FIFO or a `/proc` or `/sys` entry would
    /// hang the run or feed it endless bytes while it holds the lock.
    /// - Throws: ``ConfigError`` at the place the source is written.
    public func requireRegularFile(_ kind: SourceKind, _ path: String) throws {
        var st = stat()
        let real = RunLock.realPath(path)
        let special = ["/proc/", "/sys/", "/dev/"].contains { real.hasPrefix($0) }
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, !special else {
            let mark = sources.marks[kind]
            throw ConfigError(file: self.path, line: mark?.line, column: mark?.column,
                              "sources.\(kind.rawValue): \(display(path)) (\(real)) không phải tệp thường; chiso chỉ đọc tệp CSV thường")
        }
    }

    /// The error for a configured file that does not exist (`path` already resolved).
    public func missingFile(_ kind: SourceKind, resolved path: String) -> ConfigError {
        let mark = sources.marks[kind]
        return ConfigError(file: self.path, line: mark?.line, column: mark?.column,
                           "sources.\(kind.rawValue): tệp \(display(path)) không tồn tại (đã tìm ở \(PipelineLoader.absolutePath(path)))")
    }

    /// Files matching a source glob, in ascending byte-wise order of their paths (SPEC 2.6).
    public func files(matching pattern: String) -> [String] {
        let full = resolve(pattern)
        var g = glob_t()
        defer { globfree(&g) }
        guard glob(full, 0, nil, &g) == 0 else { return [] }
        var paths: [String] = []
        for i in 0..<Int(g.gl_pathc) {
            if let p = g.gl_pathv[i] { paths.append(String(cString: p)) }
        }
        return paths.filter { !isDirectory($0) }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    private func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }
}
