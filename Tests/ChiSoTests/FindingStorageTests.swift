import Testing
@testable import ChiSo
@testable import ChiSoCore

/// A stage's findings as the warehouse keeps them for a later report (a night that skips the stage reads
/// them back): the same findings, a missing line still missing, empty and Vietnamese cells as written,
/// in the stage's order, and one stage's save leaving the others' alone.
@Suite struct FindingStorageTests {
    @Test func findingsComeBackAsTheyWereSaved() throws {
        let dir = TempDir()
        let warehouse = try Warehouse(path: dir.path + "/w.sqlite")
        let key = PeriodKey(pipeline: "p", period: "2025")
        let saved = [
            Finding(.error, .encoding, source: .dossiers, file: "ho-so/Hồ sơ.csv", line: nil,
                    message: "Tệp không đọc được"),
            Finding(.warning, .lateUnlisted, source: .dossiers, file: "ho-so/a.csv", line: 0, column: "dossier_id",
                    value: "HS-1", dossierID: "HS-1", unitCode: "000.00.10.H99", message: "Hồ sơ trễ hạn"),
            Finding(.error, .badDate, source: .dossiers, file: "ho-so/a.csv", line: 4_294_967_295, column: "received_at",
                    value: "31/02/2025", message: "Ngày không hợp lệ"),
            Finding(.warning, .missingValue, source: .dossiers, file: "", line: 7, message: ""),
        ]
        let other = [Finding(.warning, .postalChannelMismatch, source: .postal, file: "bcci.csv", line: 2, message: "khác")]
        try warehouse.write { db in
            try Warehouse.saveFindings(db, key, stage: "ingest.postal", other)
            try Warehouse.saveFindings(db, key, stage: "ingest.dossiers", Array(repeating: saved[0], count: 3))
            try Warehouse.saveFindings(db, key, stage: "ingest.dossiers", saved)  // replaces that stage's only
        }
        #expect(try warehouse.loadFindings(key, stage: "ingest.dossiers") == saved)
        #expect(try warehouse.loadFindings(key, stage: "ingest.postal") == other)
        #expect(try warehouse.loadFindings(key, except: ["ingest.postal"]) == saved)
        #expect(try warehouse.loadFindings(key).count == saved.count + other.count)
    }
}
