import Testing
@testable import ChiSo

/// SPEC 6a: a pipeline file's mistakes are configuration errors naming file, line and column.
@Suite struct ConfigTests {
    let dir = TempDir()

    func load(_ yaml: String) throws -> PipelineConfig {
        try PipelineLoader.load(path: dir.write("p.yaml", yaml)).0
    }

    let valid = """
    pipeline: p
    period: {key: "2023", from: 2023-01-01, to: 2023-12-31}
    tiers: [{key: tinh, label: "Sở"}]
    sources:
      units: u.csv
      dossiers: d/*.csv

    """

    func error(_ yaml: String) -> ConfigError? {
        do { _ = try load(yaml); return nil } catch let e as ConfigError { return e } catch { return nil }
    }

    @Test func aValidFileLoads() throws {
        let c = try load(valid)
        #expect(c.pipeline == "p")
        #expect(c.period.from == day("2023-01-01"))
        #expect(c.sources.maxBadRowRatio == 0.01)
        #expect(c.sources.delimiter == nil)
        #expect(c.tiers == [Tier(key: "tinh", label: "Sở")])
    }

    @Test func unknownKeyIsReportedAtItsLineAndColumn() {
        let e = error(valid + "sourcez: 1\n")
        #expect(e?.line == 7)
        #expect(e?.column == 1)
        #expect(e?.message.contains("sourcez") == true)
        let nested = error(valid.replacingOccurrences(of: "  dossiers:", with: "  dosiers:"))
        #expect(nested?.line == 6 && nested?.column == 3)
    }

    @Test func missingRequiredKeyAndWrongTypes() {
        #expect(error(valid.replacingOccurrences(of: "pipeline: p\n", with: ""))?.message.contains("pipeline") == true)
        let badDate = error(valid.replacingOccurrences(of: "from: 2023-01-01", with: "from: 1/1/2023"))
        #expect(badDate?.line == 2)
        #expect(error(valid.replacingOccurrences(of: "tiers: [{key: tinh, label: \"Sở\"}]", with: "tiers: tinh"))?.line == 3)
        let reversed = error(valid.replacingOccurrences(of: "to: 2023-12-31", with: "to: 2022-12-31"))
        #expect(reversed?.message.contains("to") == true)
    }

    @Test func delimiterRatioAndAliasesAreChecked() throws {
        #expect(try load(valid + "  delimiter: \";\"\n").sources.delimiter == .semicolon)
        #expect(try load(valid + "  delimiter: \"\\t\"\n").sources.delimiter == .tab)
        #expect(error(valid + "  delimiter: \"|\"\n")?.line == 7)
        #expect(error(valid + "  max_bad_row_ratio: 2\n")?.line == 7)
        let aliases = try load(valid + "  aliases:\n    dossiers: {finished_at: [\"Ngày hoàn thành\"], status: \"TT\"}\n")
        #expect(aliases.sources.aliases[.dossiers]?["finished_at"] == ["Ngày hoàn thành"])
        #expect(aliases.sources.aliases[.dossiers]?["status"] == ["TT"])
        let badKey = error(valid + "  aliases:\n    dossiers: {finish: [\"x\"]}\n")
        #expect(badKey?.line == 8 && badKey?.column == 16)
    }

    @Test func yamlSyntaxErrorsCarryTheirPosition() {
        let e = error("pipeline: p\nperiod: {key: \"2023\"\n  tiers: [\n")
        #expect(e?.line != nil)
        #expect(e?.message.contains("YAML") == true)
    }
}
