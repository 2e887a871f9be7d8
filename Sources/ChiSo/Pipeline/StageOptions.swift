/// The options of one run or evaluation (SPEC 8): `chiso run` sets them all, `chiso explain` only the
/// day it evaluates as of. One type, so the two paths cannot drift apart.
public struct StageOptions: Sendable {
    /// `--as-of`: the day the run is as of (default: the period's last day).
    public var asOf: Day?
    /// `--out`: the root of the output folders.
    public var outDirectory = "out"
    /// `--header`: Vietnamese labels or keys in the CSV headers.
    public var headerStyle = HeaderStyle.vi
    /// Rerun stages even when up to date.
    public var force = false
    /// `--stage`: run only these, from the persisted upstream.
    public var only: [String]?
    /// `--from`: run this stage and everything downstream.
    public var from: String?
    /// The command line, recorded in `runs`.
    public var command = "chiso run"

    /// `OUT/PIPELINE/PERIOD`: where a run of `config` writes its outputs.
    public func outputDirectory(_ config: PipelineConfig) -> String {
        outDirectory + "/" + config.pipeline + "/" + config.period.key
    }

    /// Defaults, as of `asOf`.
    public init(asOf: Day? = nil) {
        self.asOf = asOf
    }
}
