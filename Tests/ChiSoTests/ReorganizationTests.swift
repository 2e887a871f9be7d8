import Testing
@testable import ChiSo
@testable import ChiSoCore

/// SPEC 10, rule by rule, on a small two-tier province reorganized on 1 March and 1 July 2025.
@Suite struct ReorganizationTests {
    let dir = TempDir()

    /// Rows (line in comments): S2 merged into S1 on 1/3; district H1 and communes A, B into new X1 on 1/7;
    /// C split (X1 primary, X2); D renamed X3; E into F on 1/3 then F into X2 on 1/7 (a chain); G retired;
    /// district H2 renamed commune X4 (a tier change); code A reused by a new commune from 1/7.
    static let registry = """
    Mã đơn vị,Tên đơn vị,Cấp,Hiệu lực từ,Hiệu lực đến
    S1,Sở Một,tinh,,
    S2,Sở Hai,tinh,,28/2/2025
    H1,Huyện Một,UBND cấp huyện,,30/6/2025
    A,Xã A,xa,,30/6/2025
    B,Xã B,xa,,30/6/2025
    C,Xã C,xa,,30/6/2025
    D,Xã D,xa,,30/6/2025
    E,Xã E,xa,,28/2/2025
    F,Xã F,xa,,30/6/2025
    G,Xã G,xa,,30/6/2025
    X1,Xã X Một,xa,1/7/2025,
    X2,Xã X Hai,xa,2025-07-01,
    X3,Xã X Ba,xa,1/7/2025,
    A,Xã A mới,xa,1/7/2025,
    H2,Huyện Hai,UBND cấp huyện,,30/6/2025
    X4,Xã X Bốn,xa,1/7/2025,

    """

    static let crosswalk = """
    Mã đơn vị cũ,Mã đơn vị mới,Ngày hiệu lực,Nhận hồ sơ
    S2,S1,1/3/2025,
    H1,X1,1/7/2025,
    A,X1,1/7/2025,
    B,X1,1/7/2025,
    C,X1,1/7/2025,có
    C,X2,1/7/2025,không
    D,X3,1/7/2025,
    E,F,1/3/2025,
    F,X2,1/7/2025,
    H2,X4,1/7/2025,

    """

    static let dossiers = """
    Mã hồ sơ,Mã đơn vị,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Trạng thái
    s2-1,S2,10/1/2025,,,4
    s2-late,S2,10/5/2025,,,4
    a-old,A,10/3/2025,,,4
    a-new,A,10/8/2025,,,4
    b-1,b,1/2/2025,,,4
    c-1,C,1/2/2025,,,4
    c-2,C,2/2/2025,,,4
    e-late,E,1/4/2025,,,4
    g-1,G,1/5/2025,,,4
    g-2,G,2/5/2025,,,4
    g-excluded,G,3/5/2025,,,1
    x3-1,X3,1/9/2025,,,4
    h1-1,H1,1/3/2025,,,4

    """

    func pipeline(registry: String = Self.registry, crosswalk: String? = Self.crosswalk, dossiers: String = Self.dossiers,
                  tiers: String = "[{key: tinh, label: \"Sở\"}, {key: xa, label: \"UBND cấp xã\"}]") -> String {
        dir.write("don-vi.csv", registry)
        if let crosswalk { dir.write("sap-xep.csv", crosswalk) }
        dir.write("ho-so/1.csv", dossiers)
        let lineage = crosswalk == nil ? "" : "  lineage: sap-xep.csv\n"
        return dir.write("p.yaml", "pipeline: p\nperiod: {key: \"2025\", from: 2025-01-01, to: 2025-12-31}\ncompare_to: \"2024\"\n"
            + "tiers: \(tiers)\nsources:\n  units: don-vi.csv\n" + lineage + "  dossiers: ho-so/*.csv\n  max_bad_row_ratio: 1\n")
    }

    func evaluate(compared: ComparedPeriod? = nil, _ path: String? = nil) throws -> Evaluation {
        let (config, _) = try PipelineLoader.load(path: path ?? pipeline())
        return try PipelineEvaluator(config: config, options: StageOptions()).evaluate(compared: compared)
    }

    /// The first configuration error loading the registry and crosswalk gives.
    func configError(registry: String = Self.registry, crosswalk: String? = Self.crosswalk) -> ConfigError? {
        do {
            let (config, _) = try PipelineLoader.load(path: pipeline(registry: registry, crosswalk: crosswalk))
            let units = try UnitRegistry.load(config: config)
            _ = try Crosswalk.load(config: config, registry: units)
            return nil
        } catch let e as ConfigErrors {
            return e.errors.first
        } catch {
            return nil
        }
    }

    func row(_ e: Evaluation, _ code: String, on iso: String = "2025-12-31") -> Int {
        e.reorganization.registry.holder(of: code, on: day(iso))!
    }

    func count(_ e: Evaluation, _ code: String, _ indicator: Indicator = .receivedTotal) -> Int? {
        e.registry.index(of: code).map { e.table.rows[$0][indicator] }
    }

    // MARK: 10.1 Validity in the registry

    @Test func holdersAndReportingUnitsFollowTheValidityDates() throws {
        let e = try evaluate()
        let all = e.reorganization.registry
        #expect(all.units.count == 16)
        #expect(all.holder(of: "A", on: day("2025-06-30")).map { all.units[$0].name } == "Xã A")
        #expect(all.holder(of: "A", on: day("2025-07-01")).map { all.units[$0].name } == "Xã A mới")
        #expect(all.holder(of: "S2", on: day("2025-03-01")) == nil)
        // Reporting units: the rows active on the period's `to`, in registry order.
        #expect(e.registry.units.map(\.code) == ["S1", "X1", "X2", "X3", "A", "X4"])
        #expect(e.table.rows.count == 6)
    }

    @Test func overlappingRowsOfOneCodeNameBothLines() {
        let e = configError(registry: Self.registry + "S1,Sở Một bis,tinh,1/1/2025,\n")
        #expect(e?.line == 18)
        #expect(e?.column == 1)
        #expect(e?.message.contains("chồng lấn với dòng 2") == true)
    }

    @Test func validFromAfterValidToAndUnreadableDatesAreErrors() {
        let after = configError(registry: Self.registry + "Z,Xã Z,xa,2/2/2025,1/2/2025\n")
        #expect(after?.line == 18)
        #expect(after?.column == 5)
        #expect(after?.message.contains("trước ngày hiệu lực từ 2025-02-02") == true)
        let unreadable = configError(registry: Self.registry + "Z,Xã Z,xa,31/2/2025,\n")
        #expect(unreadable?.line == 18)
        #expect(unreadable?.column == 4)
        #expect(unreadable?.message.contains("'31/2/2025'") == true)
    }

    @Test func aRegistryWithoutValidityStillRefusesARepeatedCode() {
        let plain = "Mã đơn vị,Tên đơn vị,Cấp\nS1,Sở Một,tinh\nS1,Sở Một bis,tinh\n"
        let e = configError(registry: plain, crosswalk: nil)
        #expect(e?.line == 3)
        #expect(e?.message.contains("lặp lại (đã có ở dòng 2)") == true)
    }

    // MARK: 10.5 Tiers after 2025

    @Test func anUndeclaredTierIsAcceptedOnlyWhereTheRowDoesNotReport() {
        // Districts (UBND cấp huyện) end on 30/6 and are not declared: accepted.
        #expect(configError() == nil)
        // A district still valid on 31/12 would be a reporting unit with an undeclared tier.
        let e = configError(registry: Self.registry + "H9,Huyện Chín,UBND cấp huyện,,\n")
        #expect(e?.line == 18)
        #expect(e?.column == 3)
        #expect(e?.message.contains("không khớp cấp nào") == true)
    }

    // MARK: 10.2 The crosswalk

    @Test func crosswalkCodesNeedHoldersOnTheirDays() {
        let old = configError(crosswalk: Self.crosswalk + "X1,S1,1/7/2025,\n")  // X1 has no holder on 30/6
        #expect(old?.file == "sap-xep.csv")
        #expect(old?.line == 12)
        #expect(old?.column == 1)
        #expect(old?.message.contains("2025-06-30") == true)
        let new = configError(crosswalk: Self.crosswalk + "G,S2,1/7/2025,\n")  // S2 has no holder on 1/7
        #expect(new?.line == 12)
        #expect(new?.column == 2)
    }

    @Test func aSplitNeedsExactlyOnePrimary() {
        let none = configError(crosswalk: Self.crosswalk.replacingOccurrences(of: "C,X1,1/7/2025,có", with: "C,X1,1/7/2025,"))
        #expect(none?.line == 6)
        #expect(none?.column == 4)
        #expect(none?.message.contains("cần đúng một dòng") == true)
        #expect(none?.message.contains("đang có 0") == true)
        let two = configError(crosswalk: Self.crosswalk.replacingOccurrences(of: "C,X2,1/7/2025,không", with: "C,X2,1/7/2025,x"))
        #expect(two?.line == 7)
        #expect(two?.message.contains("đang có 2") == true)
    }

    @Test func aPredecessorsRowsShareOneDate() {
        let e = configError(registry: Self.registry.replacingOccurrences(of: "X2,Xã X Hai,xa,2025-07-01,", with: "X2,Xã X Hai,xa,2025-06-01,"),
                            crosswalk: Self.crosswalk.replacingOccurrences(of: "C,X2,1/7/2025,không", with: "C,X2,1/6/2025,không"))
        #expect(e?.line == 7)
        #expect(e?.column == 3)
        #expect(e?.message.contains("cùng một ngày") == true)
    }

    @Test func missingAndUnreadableCellsAreErrorsAtTheirColumn() {
        let missing = configError(crosswalk: Self.crosswalk + "G,,1/7/2025,\n")
        #expect(missing?.line == 12)
        #expect(missing?.column == 2)
        let date = configError(crosswalk: Self.crosswalk + "G,X1,1.7.2025,\n")
        #expect(date?.column == 3)
        let flag = configError(crosswalk: Self.crosswalk + "G,X1,1/7/2025,có lẽ\n")
        #expect(flag?.column == 4)
    }

    @Test func cyclesAreRefused() {
        // G into itself (the same row on both sides, and G does not report).
        let selfLoop = configError(crosswalk: Self.crosswalk + "G,G,30/6/2025,\n")
        #expect(selfLoop?.line == 12)
        #expect(selfLoop?.message.contains("vòng lặp") == true)
        // G into B on 1/3, B into G on 1/4: both end on 30/6, neither reports.
        let twoStep = configError(crosswalk: Self.crosswalk.replacingOccurrences(of: "B,X1,1/7/2025,\n", with: "")
                                  + "G,B,1/3/2025,\nB,G,1/4/2025,\n")
        #expect(twoStep?.message.contains("vòng lặp") == true)
        // A unit that keeps its code while absorbing others (same row on both sides, reporting): ignored.
        #expect(configError(crosswalk: Self.crosswalk + "S1,S1,1/3/2025,\n") == nil)
    }

    // MARK: 10.3 Attributing dossiers

    @Test func dossiersCountForTheUnitTheirReceivingUnitBecame() throws {
        let e = try evaluate()
        #expect(count(e, "S1") == 2)            // S2's two dossiers, merged whole
        #expect(count(e, "X1") == 5)            // A (before 1/7), B, C (split primary) ×2, H1
        #expect(count(e, "X2") == 1)            // E → F → X2: a chain
        #expect(count(e, "X3") == 1)
        #expect(count(e, "A") == 1)             // a-new: code A on 10/8 belongs to the new holder
        #expect(count(e, "X4") == 0)
        // Duplicates are still found across units by dossier id; the retired unit's dossiers count nowhere.
        #expect(e.table.rows.reduce(0) { $0 + $1[.receivedTotal] } == 10)
    }

    @Test func aCodeWithoutAHolderOnTheDayWarnsAndTakesItsLatestRow() throws {
        let e = try evaluate()
        let inactive = e.findings.filter { $0.code == .unitInactiveOnDate }
        #expect(inactive.map(\.dossierID).sorted() == ["e-late", "s2-late"])
        let s2 = inactive.first { $0.dossierID == "s2-late" }!
        #expect(s2.severity == .warning)
        #expect(s2.column == "unit_code")
        #expect(s2.value == "S2")
        #expect(s2.line == 3)
        #expect(s2.source == .dossiers)
    }

    @Test func aRetiredUnitWarnsWithItsDossierCount() throws {
        let e = try evaluate()
        let retired = e.findings.filter { $0.code == .retiredUnit }
        #expect(retired.count == 1)
        #expect(retired[0].unitCode == "G")
        #expect(retired[0].value == "2")        // the excluded (status 1) dossier is not in the period
        #expect(retired[0].source == .units)
        #expect(retired[0].file == "don-vi.csv")
        #expect(retired[0].line == 11)
        #expect(retired[0].severity == .warning)
    }

    @Test func aSplitPredecessorIsReportedWithItsPrimarySuccessor() throws {
        let e = try evaluate()
        let split = e.findings.filter { $0.code == .splitUnit }
        #expect(split.count == 1)
        #expect(split[0].severity == .info)
        #expect(split[0].unitCode == "X1")
        #expect(split[0].value == "2")
        #expect(split[0].line == 7)
    }

    @Test func chainsAreFollowedAndDescribed() throws {
        let e = try evaluate()
        let reorganization = e.reorganization
        let eRow = row(e, "E", on: "2025-01-01")
        #expect(reorganization.chain(from: eRow).map { reorganization.registry.units[$0].code } == ["E", "F", "X2"])
        #expect(reorganization.describeChain(from: eRow)
                == "2025-03-01 toàn bộ, sáp nhập vào → F; 2025-07-01 toàn bộ, hợp nhất thành → X2")
        let d = row(e, "D", on: "2025-01-01")
        #expect(reorganization.describeChain(from: d) == "2025-07-01 toàn bộ, đổi tên hoặc đổi mã thành → X3")
        let c = row(e, "C", on: "2025-01-01")
        #expect(reorganization.describeChain(from: c) == "2025-07-01 chia tách một phần, đơn vị kế thừa nhận hồ sơ → X1")
    }

    // MARK: 10.4 Ranks across a reorganization

    static let compared = ComparedPeriod(end: day("2024-12-31"), ranks: ["": [:]])

    func previousRanks(_ e: Evaluation, _ ranked: [String: RankedUnit]) -> [String: Int] {
        e.reorganization.previousRanks(ranked, ancestors: e.ancestors)
    }

    @Test func ancestorsWithOneSeveralOrNone() throws {
        let e = try evaluate(compared: Self.compared)
        func ancestors(_ code: String) -> [String] {
            (e.ancestors[row(e, code)] ?? []).map { e.reorganization.registry.units[$0].code }
        }
        #expect(ancestors("X3") == ["D"])                       // renamed: one
        #expect(ancestors("X1") == ["H1", "A", "B", "C"])       // merged: several
        #expect(ancestors("S1") == ["S1", "S2"])
        #expect(ancestors("A") == [])                           // a new unit on a reused code: none
        #expect(ancestors("X2") == ["E", "F"])
        let ranks = previousRanks(e, ["D": RankedUnit(rank: 4, tier: "xa"), "A": RankedUnit(rank: 1, tier: "xa"),
                                      "S1": RankedUnit(rank: 2, tier: "tinh"), "H2": RankedUnit(rank: 1, tier: "huyen")])
        #expect(ranks == ["X3": 4])
    }

    @Test func aChangeOfTierLeavesNoPreviousRank() throws {
        let e = try evaluate(compared: Self.compared)
        // X4's one ancestor, district H2, was ranked among districts in 2024.
        #expect(previousRanks(e, ["H2": RankedUnit(rank: 1, tier: "huyen")]) == [:])
        #expect(previousRanks(e, ["H2": RankedUnit(rank: 1, tier: "xa")]) == ["X4": 1])
    }

    @Test func withoutARunOfTheComparedPeriodThereAreNoAncestors() throws {
        let e = try evaluate(compared: ComparedPeriod(end: nil, ranks: [:]))
        #expect(e.ancestors.isEmpty)
        #expect(previousRanks(e, ["D": RankedUnit(rank: 4, tier: "xa")]) == [:])
    }

    @Test func theRankChangeFollowsTheAncestorIntoTheIndex() throws {
        let e = try evaluate(compared: Self.compared)
        let index = IndexConfig(key: "i", label: "I", notApplicable: .redistribute, scale: 10, components: [
            ComponentConfig(key: "n", label: "N", points: 10, numerator: try ExpressionParser.parse("received_total"),
                            denominator: try ExpressionParser.parse("1"), fullAt: 1)], bands: [])
        let scores = computeIndex(index, units: e.registry.units, facts: UnitFacts(indicators: e.table.rows),
                                  previousRanks: previousRanks(e, ["D": RankedUnit(rank: 4, tier: "xa")]))
        let x3 = scores[e.registry.index(of: "X3")!]
        #expect(x3.prevRank == 4)
        #expect(x3.rankChange == 4 - x3.rank!)
        #expect(scores[e.registry.index(of: "X1")!].prevRank == nil)
    }

    @Test func withoutValidityOrCrosswalkTheSameCodeIsCompared() throws {
        let plain = "Mã đơn vị,Tên đơn vị,Cấp\nS1,Sở Một,tinh\nX1,Xã,xa\n"
        let e = try evaluate(compared: Self.compared, pipeline(registry: plain, crosswalk: nil, dossiers: "Mã hồ sơ,Mã đơn vị,Ngày tiếp nhận,Trạng thái\n"))
        #expect(!e.reorganization.followsReorganization)
        #expect(previousRanks(e, ["X1": RankedUnit(rank: 3, tier: "huyen")]) == ["X1": 3])
    }

    @Test func thePredecessorsColumnListsOtherCodesOnceAscending() throws {
        let e = try evaluate(compared: Self.compared)
        let column = e.reorganization.predecessorColumn(inPeriod: e.table.inPeriodByRow, ancestors: e.ancestors)!
        let byCode = Dictionary(uniqueKeysWithValues: zip(e.registry.units.map(\.code), column))
        #expect(byCode["S1"] == "S2")
        #expect(byCode["X1"] == "A;B;C;H1")     // the old holder of A listed though A is also a current code
        #expect(byCode["X2"] == "E;F")
        #expect(byCode["X3"] == "D")
        #expect(byCode["A"] == "")
        #expect(byCode["X4"] == "H2")           // an ancestor without dossiers in the period
        // Without `sources.lineage` there is no column.
        let dated = try evaluate(compared: Self.compared, pipeline(crosswalk: nil))
        #expect(dated.reorganization.predecessorColumn(inPeriod: dated.table.inPeriodByRow, ancestors: dated.ancestors) == nil)
    }

    @Test func explainListsEveryPredecessorWithItsDossiersAndTheChange() throws {
        let e = try evaluate(compared: Self.compared)
        let x1 = try Explanation.text(e, unitCode: "X1")
        // Old A brought one dossier (a-old), C two (a split: X1 takes its dossiers), H1 one.
        #expect(x1.contains("A                  1 hồ sơ  Xã A"), "\(x1)")
        #expect(x1.contains("C                  2 hồ sơ  Xã C"))
        #expect(x1.contains("2025-07-01 chia tách một phần, đơn vị kế thừa nhận hồ sơ → X1"))
        #expect(x1.contains("hợp nhất từ 4 đơn vị"))
        // An ancestor without dossiers this period is a predecessor too.
        let x4 = try Explanation.text(e, unitCode: "X4")
        #expect(x4.contains("H2                 0 hồ sơ  Huyện Hai"), "\(x4)")
        #expect(x4.contains("So với kỳ 2024: đơn vị tiền thân H2"))
        // A code that no longer reports names the unit its dossiers count for.
        #expect(throws: Explanation.UnitNotFound.self) { try Explanation.text(e, unitCode: "B") }
    }

    @Test func crossChecksCoverTheRetiredUnitsDossiers() throws {
        let path = pipeline()
        dir.write("tre-han/1.csv", "Mã hồ sơ,Mã đơn vị\ng-1,G\n")
        let yaml = try String(contentsOfFile: path, encoding: .utf8) + "  late: tre-han/*.csv\n"
        dir.write("p.yaml", yaml)
        let e = try evaluate(compared: nil, path)
        let mismatch = e.findings.filter { $0.code == .lateListMismatch }
        #expect(mismatch.map(\.dossierID) == ["g-1"])
        #expect(mismatch.first?.unitCode == "G")
    }

    /// A targets row naming a unit that no longer reports (a retired or merged code) warns instead of
    /// vanishing; a reused code goes to its holder on the period's last day.
    @Test func aReferenceRowForAUnitThatNoLongerReportsWarns() throws {
        let path = pipeline()
        dir.write("giao.csv", "Mã đơn vị,online_rate\nG,80\nS2,70\nA,60\nX1,50\n")
        dir.write("p.yaml", try String(contentsOfFile: path, encoding: .utf8) + "  targets: giao.csv\n")
        let (config, _) = try PipelineLoader.load(path: path)
        let registry = try UnitRegistry.load(config: config)
        var findings: [Finding] = []
        let table = try ReferenceTable.load(kind: .targets, relativePath: "giao.csv", config: config, registry: registry,
                                            findings: &findings)
        #expect(findings.map(\.code) == [.unknownReferenceUnit, .unknownReferenceUnit])
        #expect(findings.map(\.line) == [2, 3])
        #expect(findings.map(\.unitCode) == ["G", "S2"])
        #expect(findings.allSatisfy { $0.severity == .warning && $0.column == "unit_code" })
        #expect(table.value(unit: registry.holder(of: "A", on: day("2025-12-31"))!, key: "online_rate") == 60)
        #expect(table.value(unit: registry.holder(of: "X1", on: day("2025-12-31"))!, key: "online_rate") == 50)
    }
}
