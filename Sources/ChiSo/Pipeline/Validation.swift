/// `chiso validate`: the pipeline file, registry, references and every export's header, nothing written.
public struct Validation {
    /// A source file's header checked by `chiso validate`, without reading its rows.
    public struct HeaderCheck: Sendable {
        /// Which source the file belongs to.
        public var source: SourceKind
        /// The file as reports show it (relative to the pipeline file).
        public var file: String
        /// What is wrong with its header; nil when the columns the pipeline needs are there.
        public var problem: String?
    }

    let config: PipelineConfig

    /// A validator of `config`'s files.
    public init(config: PipelineConfig) { self.config = config }

    /// Checks everything; throws configuration errors (exit 2), returns the per-file header checks.
    public func run() throws -> [HeaderCheck] {
        let registry = try UnitRegistry.load(config: config)
        let crosswalk = try Crosswalk.load(config: config, registry: registry)
        var ignored: [Finding] = []
        _ = try PipelineEvaluator.loadReferences(config: config, registry: registry, findings: &ignored)
        var checks: [HeaderCheck] = []
        if let file = crosswalk?.file { checks.append(HeaderCheck(source: .lineage, file: file.file, problem: nil)) }
        for (kind, files) in try Ingestor(config: config, registry: registry).sourceFiles() {
            for path in files {
                checks.append(HeaderCheck(source: kind, file: config.display(path), problem: headerProblem(kind, path)))
            }
        }
        return checks
    }

    private struct Stop: Error {}

    private func headerProblem(_ kind: SourceKind, _ path: String) -> String? {
        var header: [String]?
        do {
            try CSVRecordReader(delimiter: config.sources.delimiter).read(path: path) { record in
                header = (0..<record.count).map { record.string($0) }
                throw Stop()
            }
        } catch is Stop {
        } catch let error as CSVReadError {
            return error.message
        } catch {
            return "\(error)"
        }
        guard let header else { return CSVReadError.noHeader.message }
        let map = ColumnMap(header: header, specs: ColumnCatalog.columns(for: kind),
                            extraAliases: config.sources.aliases[kind] ?? [:])
        return map.missing.isEmpty ? nil : "thiếu cột bắt buộc: \(map.missing.joined(separator: ", "))"
    }
}
