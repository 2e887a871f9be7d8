import Testing
@testable import ChiSo
@testable import ChiSoCore

/// SPEC 4, indicator by indicator, on a few inline dossiers. Period 2023-01-01 … 2023-12-31, as_of = to.
@Suite struct IndicatorTests {
    let dates = RunDates(from: day("2023-01-01"), to: day("2023-12-31"), asOf: day("2023-12-31"))

    func d(_ r: String = "2023-03-01", due: String? = "2023-03-10", finished: String? = nil,
           status: DossierStatus = .processing, channel: Channel = .direct, full: Bool = false,
           fee: Bool = false, paid: Bool = false, unit: Int = 0) -> Dossier {
        Dossier(unit: unit, received: day(r), due: due.map(day), finished: finished.map(day), status: status,
                channel: channel, fullOnline: full, feeRequired: fee, paidOnline: paid, ref: RowRef(file: 0, line: 2))
    }

    func table(_ items: [(Dossier, DossierLinks)], units: Int = 1, checkLate: Bool = true) -> IndicatorTable {
        computeIndicators(dossiers: items.map(\.0), links: items.map(\.1), unitCount: units, dates: dates,
                          checkLateList: checkLate)
    }

    func links(_ edit: (inout DossierLinks) -> Void = { _ in }) -> DossierLinks {
        var l = DossierLinks()
        edit(&l)
        return l
    }

    let ref = RowRef(file: 1, line: 7)

    @Test func receivedCountsSplitIntoCarriedOverAndNewByChannel() {
        let t = table([
            (d("2022-12-20"), links()),                                  // carried over, direct
            (d(channel: .online, full: true), links()),                  // new, online full
            (d(channel: .online), links()),                              // new, online partial
            (d(channel: .postal), links()),                              // new, postal
            (d(), links()),                                              // new, direct
            (d("2022-12-20", channel: .online), links()),                // carried over: not in received_online
            (d(status: .withdrawn), links()),                            // excluded
        ]).rows[0]
        #expect(t[.receivedTotal] == 6)
        #expect(t[.carriedOver] == 2)
        #expect(t[.receivedNew] == 4)
        #expect(t[.receivedOnline] == 2)
        #expect(t[.receivedOnlineFull] == 1)
        #expect(t[.receivedDirect] == 1)
        #expect(t[.receivedPostal] == 1)
    }

    /// Each indicator's gates, one dossier at a time: a carried-over dossier touches none of the intake
    /// counts (channel, fees, postal intake, digitization), an open one none of the result counts (postal
    /// return, e-results, digitized in full, e-signed), a dossier that is not late no apology count. Every
    /// count a dossier could touch is added without a branch, so each gate is pinned here by exact rows.
    @Test func eachIndicatorCountsOnlyTheDossiersItsGateLetsThrough() {
        let every = links {
            $0.late = ref; $0.apology = true; $0.postalIntake = ref; $0.postalReturn = ref; $0.returnDelivered = true
            $0.digitized = ref; $0.digitizedInputs = true; $0.reused = true; $0.eResult = true; $0.eSigned = true
        }
        func row(_ dossier: Dossier) -> IndicatorRow { table([(dossier, every)], checkLate: false).rows[0] }
        let intake: [Indicator] = [.receivedOnline, .receivedOnlineFull, .receivedDirect, .receivedPostal, .feeDossiers,
                                   .paidOnline, .postalIntake, .digitizedInputs, .reusedData]
        let results: [Indicator] = [.postalReturn, .postalReturnDelivered, .eResults, .digitizedFull, .eSignedResults]
        // Carried over, postal, fee paid online, finished on time: no intake count, every result count.
        let carried = row(d("2022-12-20", due: "2023-03-10", finished: "2023-03-10", status: .returned, channel: .postal,
                            full: true, fee: true, paid: true))
        for i in intake { #expect(carried[i] == 0, "carried over: \(i)") }
        for i in results { #expect(carried[i] == 1, "finished: \(i)") }
        #expect(carried[.carriedOver] == 1 && carried[.receivedNew] == 0 && carried[.finishedOnTime] == 1)
        #expect(carried[.lateTotal] == 0 && carried[.lateApologized] == 0)  // listed late and apologized, not late
        // New, postal, open and overdue: the postal intake counts, no result count; late with its apology.
        let open = row(d(due: "2023-12-30", channel: .postal, fee: true, paid: true))
        for i in [Indicator.receivedPostal, .feeDossiers, .paidOnline, .postalIntake, .digitizedInputs, .reusedData] {
            #expect(open[i] == 1, "new: \(i)")
        }
        for i in [Indicator.receivedOnline, .receivedOnlineFull, .receivedDirect] { #expect(open[i] == 0, "postal: \(i)") }
        for i in results { #expect(open[i] == 0, "open: \(i)") }
        #expect(open[.openOverdue] == 1 && open[.openTotal] == 1 && open[.lateTotal] == 1 && open[.lateApologized] == 1)
        // New, online in full, fee due but paid otherwise, finished late without a postal return.
        var noReturn = every
        noReturn.postalReturn = nil
        let late = table([(d(finished: "2023-03-11", status: .returned, channel: .online, full: true, fee: true), noReturn)],
                         checkLate: false).rows[0]
        #expect(late[.receivedOnline] == 1 && late[.receivedOnlineFull] == 1 && late[.feeDossiers] == 1 && late[.paidOnline] == 0)
        #expect(late[.postalReturn] == 0 && late[.postalReturnDelivered] == 0 && late[.eResults] == 1 && late[.digitizedFull] == 1)
        #expect(late[.finishedLate] == 1 && late[.lateTotal] == 1 && late[.lateApologized] == 1)
    }

    @Test func finishedAndOpenOutcomesAndLateTotal() {
        let t = table([
            (d(finished: "2023-03-05", status: .returned), links()),     // early
            (d(finished: "2023-03-10", status: .resolved), links()),     // on time
            (d(finished: "2023-03-11", status: .returned), links()),     // late
            (d(due: nil, finished: "2023-08-01", status: .returned), links()), // on time, no deadline
            (d(due: "2024-01-10"), links()),                             // open in time
            (d(due: "2023-12-30"), links()),                             // open overdue
            (d(due: "2023-12-31"), links()),                             // open in time: D = as_of
        ]).rows[0]
        #expect(t[.finishedTotal] == 4)
        #expect(t[.finishedEarly] == 1)
        #expect(t[.finishedOnTime] == 2)
        #expect(t[.finishedLate] == 1)
        #expect(t[.openTotal] == 3)
        #expect(t[.openInTime] == 2)
        #expect(t[.openOverdue] == 1)
        #expect(t[.lateTotal] == 2)
    }

    @Test func lateApologizedNeedsALateRowWithApology() {
        let t = table([
            (d(finished: "2023-03-11", status: .returned), links { $0.late = ref; $0.apology = true }),
            (d(finished: "2023-03-12", status: .returned), links { $0.late = ref; $0.apology = false }),
            (d(due: "2023-06-01"), links { $0.late = ref; $0.apology = true }),
            (d(finished: "2023-03-05", status: .returned), links { $0.late = ref; $0.apology = true }),  // not late
        ])
        #expect(t.rows[0][.lateTotal] == 3)
        #expect(t.rows[0][.lateApologized] == 2)
        #expect(t.warnings == [CrossCheck(kind: .lateListMismatch, dossier: 3, ref: ref, unit: 0)])
    }

    @Test func lateDossiersMissingFromTheLateListAreWarnedOnlyWhenTheListIsConfigured() {
        let items = [(d(finished: "2023-03-11", status: .returned), links())]
        #expect(table(items).warnings == [CrossCheck(kind: .lateUnlisted, dossier: 0, ref: RowRef(file: 0, line: 2), unit: 0)])
        #expect(table(items, checkLate: false).warnings.isEmpty)
    }

    /// Counting parts of the dossiers (as the run does on two cores) and combining the tables in order
    /// gives the table of one pass: every count, the warnings in the same order, the in-period counts.
    @Test func partsCountedApartAndCombinedAreTheWholeTable() {
        var items: [(Dossier, DossierLinks)] = []
        let statuses: [DossierStatus] = [.processing, .returned, .accepted]
        for i in 0..<300 {
            let finished = i % 3 == 0 ? nil : "2023-03-\(String(format: "%02d", 5 + i % 20))"
            let dossier = d(i % 7 == 0 ? "2022-12-20" : "2023-03-01", finished: finished, status: statuses[i % 3],
                            channel: i % 4 == 0 ? .postal : .direct, fee: i % 5 == 0, paid: i % 10 == 0, unit: i % 3)
            items.append((dossier, links { l in
                if i % 6 == 0 { l.late = RowRef(file: 1, line: i + 2); l.apology = i % 12 == 0 }
                if i % 8 == 0 { l.postalIntake = RowRef(file: 2, line: i + 2) }
            }))
        }
        let attribution = [0, 0, -1]  // row 1's dossiers count for row 0, row 2's nowhere
        let whole = computeIndicators(dossiers: items.map(\.0), links: items.map(\.1), unitCount: 2, dates: dates,
                                      checkLateList: true, attribution: attribution)
        #expect(!whole.warnings.isEmpty)
        for cut in [0, 1, 150, 299, 300] {
            let parts = [0..<cut, cut..<300].map {
                computeIndicators(dossiers: items.map(\.0), links: items.map(\.1), unitCount: 2, dates: dates,
                                  checkLateList: true, attribution: attribution, positions: $0)
            }
            let combined = IndicatorTable.combined(parts)
            #expect(combined.rows.map(\.counts) == whole.rows.map(\.counts), "cut at \(cut)")
            #expect(combined.warnings == whole.warnings, "cut at \(cut)")
            #expect(combined.inPeriodByRow == whole.inPeriodByRow, "cut at \(cut)")
        }
    }

    /// A part's table as the warehouse keeps it (``IndicatorTable/encodedPart(ids:)``) reads back as it was, and
    /// bytes that do not fit the part are refused rather than added to the figures.
    @Test func aPartsTableReadsBackAsItWasAndWrongBytesAreRefused() throws {
        var items: [(Dossier, DossierLinks)] = []
        for i in 0..<200 {
            let dossier = d(finished: i % 2 == 0 ? "2023-03-11" : nil, status: i % 2 == 0 ? .returned : .processing,
                            channel: i % 3 == 0 ? .online : .direct, unit: i % 3)
            items.append((dossier, links { l in
                if i % 4 == 0 { l.late = RowRef(file: 1, line: i + 2) }
                if i % 5 == 0 { l.postalIntake = RowRef(file: 2, line: 300_000 + i) }
            }))
        }
        let positions = 100..<200
        let part = computeIndicators(dossiers: items.map(\.0), links: items.map(\.1), unitCount: 2, dates: dates,
                                     checkLateList: true, attribution: [0, 1, -1], positions: positions)
        #expect(part.warnings.count > 10 && Set(part.warnings.map(\.unit)) == [0, 1, 2])
        var ids = ByteTable()
        for i in 0..<200 { ids.insert("HS-\(i)-Đ") }
        let bytes = part.encodedPart(ids: ids)
        func read(_ b: [UInt8], units: Int = 3, positions: Range<Int> = positions) -> IndicatorTable? {
            IndicatorTable.decodePart(b, rows: 2, attributedRows: 3, units: units, positions: positions)?.table
        }
        let back = try #require(read(bytes))
        #expect(back.rows == part.rows && back.warnings == part.warnings && back.inPeriodByRow == part.inPeriodByRow)
        // Each warning names its dossier's id, so that findings need not read the chunk's ids.
        let stored = try #require(IndicatorTable.decodePart(bytes, rows: 2, attributedRows: 3, units: 3, positions: positions))
        #expect(stored.warningIDs == part.warnings.map { "HS-\($0.dossier)-Đ" })
        // Another version, shape or registry; a warning outside the part; truncated or longer bytes.
        var version = bytes
        version[0] = 1
        #expect(read(version) == nil)
        #expect(IndicatorTable.decodePart(bytes, rows: 3, attributedRows: 3, units: 3, positions: positions) == nil)
        #expect(IndicatorTable.decodePart(bytes, rows: 2, attributedRows: 0, units: 3, positions: positions) == nil)
        #expect(read(bytes, units: 2) == nil)
        #expect(read(bytes, positions: 100..<150) == nil)
        for cut in [1, 5, bytes.count / 2, bytes.count - 1] { #expect(read(Array(bytes.prefix(cut))) == nil, "cut at \(cut)") }
        #expect(read(bytes + [0]) == nil)
        // A count above the part's positions.
        var w = ByteWriter()
        w.u8(IndicatorTable.partVersion)
        w.u32(1)
        for k in 0..<Indicator.allCases.count { w.varint(k == 0 ? 101 : 0) }
        w.u32(0)
        w.u32(0)
        #expect(IndicatorTable.decodePart(w.bytes, rows: 1, attributedRows: 0, units: 1, positions: positions) == nil)
    }

    @Test func feesAndOnlinePaymentCountNewDossiersOnly() {
        let t = table([
            (d(fee: true), links()),
            (d(channel: .online, paid: true), links()),
            (d(channel: .online, fee: true, paid: true), links()),
            (d("2022-12-01", fee: true, paid: true), links()),  // carried over
        ]).rows[0]
        #expect(t[.feeDossiers] == 3)
        #expect(t[.paidOnline] == 2)
    }

    @Test func postalIntakeCountsNewAndReturnCountsFinished() {
        let t = table([
            (d(channel: .postal), links { $0.postalIntake = ref }),
            (d("2022-12-01", channel: .postal), links { $0.postalIntake = ref }),  // carried over
            (d(finished: "2023-03-05", status: .returned), links { $0.postalReturn = ref; $0.returnDelivered = true }),
            (d(finished: "2023-03-05", status: .returned), links { $0.postalReturn = ref; $0.returnDelivered = false }),
            (d(), links { $0.postalReturn = ref; $0.returnDelivered = true }),  // open: no return counted
        ], checkLate: false)
        let r = t.rows[0]
        #expect(r[.postalIntake] == 1)
        #expect(r[.postalReturn] == 2)
        #expect(r[.postalReturnDelivered] == 1)
        #expect(t.warnings.isEmpty)
    }

    @Test func postalIntakeForANonPostalDossierIsWarned() {
        let t = table([(d(channel: .online), links { $0.postalIntake = ref })], checkLate: false)
        #expect(t.rows[0][.postalIntake] == 1)
        #expect(t.warnings == [CrossCheck(kind: .postalChannelMismatch, dossier: 0, ref: ref, unit: 0)])
    }

    @Test func digitizationIndicators() {
        let t = table([
            (d(), links { $0.digitizedInputs = true; $0.reused = true }),
            (d("2022-12-01"), links { $0.digitizedInputs = true; $0.reused = true }),  // carried: not counted as new
            (d(finished: "2023-03-05", status: .returned), links { $0.digitizedInputs = true; $0.eResult = true; $0.eSigned = true }),
            (d(finished: "2023-03-05", status: .returned), links { $0.eResult = true }),
            (d(), links { $0.eResult = true; $0.eSigned = true }),  // open: results not counted
        ]).rows[0]
        #expect(t[.digitizedInputs] == 2)
        #expect(t[.reusedData] == 1)
        #expect(t[.eResults] == 2)
        #expect(t[.digitizedFull] == 1)
        #expect(t[.eSignedResults] == 1)
    }

    @Test func eachUnitCountsOnlyItsOwnDossiers() {
        let t = table([(d(unit: 0), links()), (d(unit: 2), links()), (d(unit: 2), links())], units: 3)
        #expect(t.rows.map { $0[.receivedTotal] } == [1, 0, 2])
    }

    @Test func indicatorColumnsAreInSpecOrder() {
        #expect(Indicator.allCases.first == .receivedTotal)
        #expect(Indicator.allCases.last == .eSignedResults)
        #expect(Indicator.allCases.count == 26)
    }
}
