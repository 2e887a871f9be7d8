import Testing
@testable import ChiSo
@testable import ChiSoCore

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

/// SPEC 5/6 configuration errors, each with the line and column of the YAML scalar.
@Suite struct ScoringConfigTests {
    let dir = TempDir()

    let head = """
    pipeline: p
    period: {key: "2023", from: 2023-01-01, to: 2023-12-31}
    tiers: [{key: tinh, label: "Sở"}, {key: xa, label: "Xã"}]
    sources:
      units: u.csv
      dossiers: d/*.csv
    indices:
      - key: dvc
        components:
          - key: tien_do
            points: 50
            numerator: finished_early + finished_on_time
            denominator: received_total
        bands: [{min: 90, label: "Xuất sắc"}, {min: 80, label: "Tốt"}]

    """

    func error(_ yaml: String) -> ConfigError? {
        do { _ = try PipelineLoader.load(path: dir.write("p.yaml", yaml)); return nil }
        catch let e as ConfigError { return e } catch { return nil }
    }

    func award(_ body: String) -> String {
        head + "awards:\n  - key: bk\n" + body
    }

    @Test func theValidFileLoadsWithDefaults() throws {
        let (c, _) = try PipelineLoader.load(path: dir.write("p.yaml", award("    index: dvc\n    groups: [{tier: tinh, quota: 3}]\n    eligible: [\"late_total == 0\", {any: [\"rank <= 3\", \"rank_change >= 5\"]}]\n    tie_break: [\"late_total asc\"]\n")))
        #expect(c.indices[0].scale == 50)
        #expect(c.indices[0].notApplicable == .redistribute)
        #expect(c.indices[0].components[0].fullAt == 1)
        #expect(c.awards[0].groups[0].quota == 3)
        #expect(c.awards[0].eligible.count == 2)
        #expect(c.awards[0].tieBreak == [TieBreak(name: "late_total", ascending: true)])
        #expect(c.awards[0].individualsPerUnit == nil)
    }

    @Test func anUnknownIndicatorInANumeratorIsReportedAtItsColumn() {
        let e = error(head.replacingOccurrences(of: "finished_early + finished_on_time", with: "finished_early + finshed_on_time"))
        #expect(e?.line == 12)
        // The value starts at column 20 (8 spaces + `numerator: `); the unknown name is 17 characters in.
        #expect(e?.column == 20 + 17)
        #expect(e?.message.contains("finshed_on_time") == true)
    }

    @Test func anExpressionSyntaxErrorPointsInsideTheScalar() {
        let e = error(head.replacingOccurrences(of: "denominator: received_total", with: "denominator: \"(received_total\""))
        #expect(e?.line == 13)
        #expect(e?.column != nil && e!.column! > 26)
        #expect(e?.message.contains(")") == true)
    }

    @Test func aBadOperatorInAPredicate() {
        let e = error(award("    index: dvc\n    groups: [{tier: tinh}]\n    eligible:\n      - \"late_total = 0\"\n"))
        #expect(e?.line == 20)
        // `      - "` puts the text at column 10; the `=` is 11 characters in.
        #expect(e?.column == 21)
        #expect(e?.message.contains("toán tử") == true)
    }

    @Test func anAwardNamingAnUnknownIndexOrTier() {
        let unknownIndex = error(award("    index: chi_so_khac\n    groups: [{tier: tinh}]\n"))
        #expect(unknownIndex?.line == 17 && unknownIndex?.column == 12)
        let unknownTier = error(award("    index: dvc\n    groups: [{tier: huyen, quota: 2}]\n"))
        #expect(unknownTier?.line == 18 && unknownTier?.column == 21)
        let twice = error(award("    index: dvc\n    groups: [{tier: [tinh, xa]}, {tier: xa}]\n"))
        #expect(twice?.message.contains("nhóm khác") == true)
    }

    @Test func predicateNamesAreChecked() {
        #expect(error(award("    index: dvc\n    groups: [{tier: tinh}]\n    eligible: [\"points.khong_co > 1\"]\n"))?.message.contains("khong_co") == true)
        #expect(error(award("    index: dvc\n    groups: [{tier: tinh}]\n    eligible: [\"diem >= 1\"]\n"))?.line == 19)
        #expect(error(award("    index: dvc\n    groups: [{tier: tinh}]\n    eligible: [\"band >= \\\"Tốt\\\"\"]\n"))?.message.contains("band") == true)
        #expect(error(award("    index: dvc\n    groups: [{tier: tinh}]\n    eligible: [\"score >= 'x'\"]\n")) != nil)
        #expect(error(award("    index: dvc\n    groups: [{tier: tinh}]\n    tie_break: [\"score descending\"]\n"))?.line == 19)
        #expect(error(award("    index: dvc\n    groups: [{tier: tinh}]\n    eligible: [\"external.par_index >= 90\"]\n"))?.message.contains("sources.external") == true)
    }

    @Test func bandsMustDecreaseAndKeysBeUnique() {
        #expect(error(head.replacingOccurrences(of: "{min: 80, label: \"Tốt\"}", with: "{min: 95, label: \"Tốt\"}"))?.line == 14)
        let dup = head + "      - {key: tien_do, points: 1, numerator: e_results, denominator: finished_total}\n"
        #expect(error(dup.replacingOccurrences(of: "        bands: [{min: 90, label: \"Xuất sắc\"}, {min: 80, label: \"Tốt\"}]\n", with: "")) != nil)
        #expect(error(head.replacingOccurrences(of: "points: 50", with: "points: 50\n            full_at: 1.5"))?.line == 12)
    }
}
