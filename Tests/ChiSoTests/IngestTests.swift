import Testing
@testable import ChiSo
@testable import ChiSoCore

/// SPEC 2: columns, row checks in order, quarantine, bad-row ratio, duplicates and links.
@Suite struct IngestTests {
    let f = PipelineFixture()

    /// Findings in report order, as `code@line`.
    func codes(_ r: IngestResult) -> [String] { Reports.sortedFindings(r.findings).map { "\($0.code.rawValue)@\($0.line.map(String.init) ?? "-")" } }

    @Test func validRowsLoadWithUnitCodesTrimmedAndUpperCased() throws {
        f.pipeline()
        f.dir.write("data/ho-so/a.csv", PipelineFixture.header + """
        HS-1, 000.00.10.h99 ,1/3/2023,10/3/2023,5/3/2023 9:00,10,Trực tuyến,Toàn trình,x,có
        HS-2,101.40.30.H99,2023-03-01,,,4,,,,

        """)
        let r = try f.ingest()
        #expect(r.findings.isEmpty)
        #expect(r.store.dossiers.count == 2)
        let d = r.store.dossiers[0]
        #expect(d.unit == 0)
        #expect(d.channel == .online && d.fullOnline && d.feeRequired && d.paidOnline)
        #expect(d.finished == day("2023-03-05"))
        #expect(r.store.dossiers[1].channel == .direct)
        #expect(r.store.dossiers[1].due == nil)
    }

    @Test func eachBadRowGetsItsFirstFailureInColumnOrder() throws {
        f.pipeline(ratio: 1)
        f.dir.write("data/ho-so/a.csv", PipelineFixture.header + """
        ,NOPE,x,x,x,x,x,x,x,x
        HS-2,NOPE,x,x,x,x,x,x,x,x
        HS-3,000.00.10.H99,,x,x,x,x,x,x,x
        HS-4,000.00.10.H99,32/1/2023,x,x,x,x,x,x,x
        HS-5,000.00.10.H99,1/1/2023,x,x,x,x,x,x,x
        HS-6,000.00.10.H99,1/1/2023,,x,x,x,x,x,x
        HS-7,000.00.10.H99,1/1/2023,,,,x,x,x,x
        HS-8,000.00.10.H99,1/1/2023,,,Xong,x,x,x,x
        HS-9,000.00.10.H99,1/1/2023,,,4,Fax,x,x,x
        HS-10,000.00.10.H99,1/1/2023,,,4,,bất kỳ,x,có lẽ
        HS-11,000.00.10.H99,1/1/2023,,,9,,,,
        HS-12,000.00.10.H99,5/1/2023,4/1/2023,,4,,,,
        HS-13,000.00.10.H99,5/1/2023,,4/1/2023,9,,,,
        HS-14,000.00.10.H99
        HS-15,000.00.10.H99,5/1/2023,,,4,,,,,,x
        HS-16,000.00.10.H99,5/1/2023,,,4,,,,,,

        """)
        let r = try f.ingest()
        #expect(codes(r) == ["missing_value@2", "unknown_unit@3", "missing_value@4", "bad_date@5", "bad_date@6",
                             "bad_date@7", "missing_value@8", "bad_status@9", "bad_channel@10", "bad_boolean@11",
                             "missing_finished_at@12", "date_order@13", "date_order@14", "bad_field_count@15",
                             "bad_field_count@16"])
        #expect(Reports.sortedFindings(r.findings).map(\.column) == ["dossier_id", "unit_code", "received_at", "received_at", "due_at",
                                             "finished_at", "status", "status", "channel", "paid_online",
                                             "finished_at", "due_at", "finished_at", "", ""])
        let sorted = Reports.sortedFindings(r.findings)
        #expect(sorted[4].value == "x")
        #expect(sorted[1].dossierID == "HS-2")
        #expect(sorted[1].unitCode == "NOPE")
        // Extra empty trailing fields (as Excel writes them) are ignored: HS-16 is valid.
        #expect(r.store.dossiers.count == 1)
        #expect(r.files[0].rows == 16 && r.files[0].quarantined == 15)
    }

    @Test func moreBadRowsThanTheRatioFailTheFile() throws {
        f.pipeline(ratio: 0.25)
        let good = "HS-1,000.00.10.H99,1/3/2023,,,4,,,,\n"
        f.dir.write("data/ho-so/a.csv", PipelineFixture.header + good + good.replacingOccurrences(of: "HS-1", with: "HS-2")
                    + good.replacingOccurrences(of: "HS-1", with: "HS-3") + "HS-4,X,1/3/2023,,,4,,,,\n")
        #expect(try f.ingest().failed == false)  // 1 of 4 = 0.25: not more than the ratio
        f.dir.write("data/ho-so/a.csv", PipelineFixture.header + good + "HS-4,X,1/3/2023,,,4,,,,\n")
        let r = try f.ingest()
        #expect(r.failed)
        #expect(codes(r).contains("too_many_bad_rows@-"))
    }

    @Test func aMissingRequiredColumnRejectsTheWholeFile() throws {
        f.pipeline()
        f.dir.write("data/ho-so/a.csv", "Mã hồ sơ,Mã đơn vị,Trạng thái\nHS-1,000.00.10.H99,4\n")
        let r = try f.ingest()
        #expect(r.failed)
        #expect(r.store.dossiers.isEmpty)
        #expect(codes(r) == ["missing_column@1"])
        #expect(r.findings[0].column == "received_at")
    }

    @Test func pipelineAliasesComeFirstAndTheLeftmostColumnWins() throws {
        f.pipeline(extraSources: "  aliases:\n    dossiers: {finished_at: [\"Ngày hoàn thành\"]}\n")
        f.dir.write("data/ho-so/a.csv", """
        MaHoSo,Mã hồ sơ,DonViXuLy,NgayTiepNhan,Ngày có kết quả,Ngày hoàn thành,TrangThaiHoSo
        HS-A,HS-B,000.00.10.H99,2023-03-01,2023-03-02,2023-03-09,10

        """)
        let r = try f.ingest()
        // Two columns for one key are resolved by the rules, and said (a warning naming both, SPEC 2.1).
        #expect(r.findings.map(\.code) == [.conflictingColumns, .conflictingColumns])
        #expect(r.findings.map(\.column) == ["dossier_id", "finished_at"])
        #expect(r.findings[0].message == "Nhiều cột cùng là 'dossier_id': dùng 'Mã hồ sơ' (cột 2), bỏ qua 'MaHoSo' (cột 1)")
        #expect(r.findings[1].value == "Ngày có kết quả")
        #expect(r.findings.allSatisfy { $0.severity == .warning && $0.line == 1 })
        // `Mã hồ sơ` is the first built-in alias: it wins over the leftmost `MaHoSo` column.
        #expect(r.store.id(0) == "HS-B")
        #expect(r.store.dossiers[0].finished == day("2023-03-09"))
    }

    @Test func laterRowsReplaceEarlierOnesAcrossFilesInByteOrder() throws {
        f.pipeline()
        f.dir.write("data/ho-so/b.csv", PipelineFixture.header + "HS-1,000.00.10.H99,1/3/2023,,2/3/2023,10,,,,\n")
        f.dir.write("data/ho-so/a.csv", PipelineFixture.header + "HS-1,000.00.10.H99,1/3/2023,,,4,,,,\nHS-1,000.00.10.H99,1/3/2023,,,5,,,,\n")
        let r = try f.ingest()
        #expect(r.files.map(\.file) == ["data/ho-so/a.csv", "data/ho-so/b.csv"])
        #expect(r.store.dossiers.count == 1)
        #expect(r.store.dossiers[0].status == .returned)
        #expect(codes(r) == ["duplicate_replaced@3", "duplicate_replaced@2"])
        #expect(r.findings.allSatisfy { $0.severity == .info })
    }

    @Test func aQuarantinedRowDoesNotReplaceAValidOne() throws {
        f.pipeline()
        f.dir.write("data/ho-so/a.csv", PipelineFixture.header + "HS-1,000.00.10.H99,1/3/2023,,,4,,,,\nHS-1,000.00.10.H99,bad,,,4,,,,\n")
        let r = try f.ingest()
        #expect(r.store.dossiers.count == 1)
        #expect(codes(r) == ["bad_date@3"])
    }

    @Test func linkedRowsAreJoinedOrphansAndUnitMismatchesWarned() throws {
        f.pipeline(sources: ["late": "data/tre-han.csv", "postal": "data/bcci.csv", "digitized": "data/so-hoa.csv"])
        f.dir.write("data/ho-so/a.csv", PipelineFixture.header + """
        HS-1,000.00.10.H99,1/3/2023,5/3/2023,9/3/2023,10,BCCI,,,
        HS-2,000.40.30.H99,1/3/2023,5/3/2023,,4,,,,

        """)
        f.dir.write("data/tre-han.csv", "Mã hồ sơ;Mã đơn vị;Xin lỗi\nHS-1;000.00.10.H99;Có\nHS-9;000.00.10.H99;Có\nHS-2;101.40.30.H99;không\n")
        f.dir.write("data/bcci.csv", """
        Mã hồ sơ,Mã đơn vị,Chiều,Mã bưu gửi,Ngày gửi,Trạng thái phát
        HS-1,000.00.10.H99,Tiếp nhận hồ sơ,RR473124829GB,20230301080000,
        HS-1,000.00.10.H99,Trả kết quả,RR473124828GB,2023-03-09,Phát thành công
        HS-1,000.00.10.H99,return,,,Chuyển hoàn
        HS-2,000.40.30.H99,Gửi thư,,,

        """)
        f.dir.write("data/so-hoa.csv", "Mã hồ sơ,Mã đơn vị,Ký số,Kết quả điện tử\nHS-1,000.00.10.H99,x,x\n")
        let r = try f.ingest()
        #expect(codes(r) == ["orphan_record@3", "unit_mismatch@4", "bad_tracking_code@3", "duplicate_replaced@4",
                             "bad_direction@5"])
        let l = r.store.links[0]
        #expect(l.late != nil && l.apology)
        #expect(l.postalIntake != nil)
        #expect(l.postalReturn?.line == 4)
        #expect(l.returnDelivered == false)  // the later row (Chuyển hoàn) replaced the delivered one
        #expect(l.eSigned && l.eResult && !l.digitizedInputs)
        #expect(r.store.links[1].late != nil && !r.store.links[1].apology)
    }

    @Test func aSourceGlobThatMatchesNothingIsAConfigurationError() throws {
        f.pipeline(sources: ["late": "data/khong-co/*.csv"])
        f.dir.write("data/ho-so/a.csv", PipelineFixture.header)
        #expect(throws: ConfigError.self) { try f.ingest() }
    }

    @Test func headerOnlyExportIsValidAndEmpty() throws {
        f.pipeline()
        f.dir.write("data/ho-so/a.csv", PipelineFixture.header)
        let r = try f.ingest()
        #expect(!r.failed && r.store.dossiers.isEmpty && r.files[0].rows == 0)
    }
}

/// SPEC 1: the registry is configuration; any bad row is an error naming its line.
@Suite struct UnitRegistryTests {
    let f = PipelineFixture()

    @Test func tiersMatchByKeyOrLabelIgnoringCaseSpacesAndNormalization() throws {
        f.pipeline(registry: "Mã đơn vị,Tên đơn vị,Cấp\n a1 ,A,  SỞ BAN NGÀNH \nA2,B,Huye\u{0302}\u{0323}n\nA3,C,UBND CẤP XÃ\n")
        // "Huyện" in NFD is not the key "huyen" (diacritics are not ignored): an error.
        #expect(throws: ConfigErrors.self) { try f.load() }
        f.pipeline(registry: "Mã đơn vị,Tên đơn vị,Cấp\n a1 ,A,  SỞ BAN NGÀNH \nA2,B,HUYEN\nA3,C,UBND ca\u{0302}\u{0301}p xa\u{0303}\n")
        let (_, registry) = try f.load()
        #expect(registry.units.map(\.code) == ["A1", "A2", "A3"])
        #expect(registry.units.map(\.tier) == ["tinh", "huyen", "xa"])
    }

    @Test func duplicateCodesAndUnknownTiersAreErrorsNamingTheLine() throws {
        f.pipeline(registry: "Mã đơn vị,Tên đơn vị,Cấp\nA1,A,tinh\na1,B,tinh\nA3,C,thôn\nA4,,xa\n")
        do {
            _ = try f.load()
            Issue.record("expected errors")
        } catch let e as ConfigErrors {
            #expect(e.errors.map(\.line) == [3, 4, 5])
            #expect(e.errors[0].message.contains("lặp lại"))
        }
    }
}
