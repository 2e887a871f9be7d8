import Testing
@_spi(RawBytes) @testable import ChiSo

/// SPEC 2.1 values: dates, booleans, codes and names, tracking codes, reference numbers.
@Suite struct ValueParsingTests {
    func date(_ s: String) -> Day? {
        FieldBytes.of(s) { PortalDate.parse($0) }
    }

    @Test func acceptsEveryListedDateForm() {
        let expected = day("2023-03-05")
        for s in ["5/3/2023", "05/03/2023", "5/03/2023", "5/3/2023 8:07", "5/3/2023 08:07", "5/3/2023 23:59:59",
                  "2023-03-05", "2023-03-05 08:07", "2023-03-05T08:07", "2023-03-05 08:07:09", "2023-03-05T23:59:59",
                  "20230305080709"] {
            #expect(date(s) == expected, "\(s)")
        }
    }

    @Test func rejectsEverythingElse() {
        for s in ["31/02/2023", "29/2/2023", "5/3/23", "2023-3-5", "2023/03/05", "5/3/2023 24:00", "5/3/2023 8:60",
                  "5/3/2023 8:7", "5/3/2023  8:07", "2023-03-05 8:07", "2023-03-05T08:07:60", "2023-03-05 08",
                  "20230305250000", "2023030508070", "5-3-2023", "005/3/2023", "", "hôm qua", "5/3/2023 8:07:5"] {
            #expect(date(s) == nil, "\(s)")
        }
        #expect(date("29/2/2024") == day("2024-02-29"))
    }

    @Test func dayNumbersRoundTrip() {
        #expect(PortalDate.day(year: 1970, month: 1, day: 1) == 0)
        for d in stride(from: Day(-1000), to: 30_000, by: 37) {
            let c = PortalDate.civil(d)
            #expect(PortalDate.day(year: c.year, month: c.month, day: c.day) == d)
        }
        #expect(PortalDate.iso(day("2000-02-29")) == "2000-02-29")
    }

    func match<V>(_ m: inout EnumMatcher<V>, _ s: String) -> V? {
        return FieldBytes.of(s) { m.match($0) }
    }

    @Test func booleansMatchAfterNormalization() {
        var m = EnumMatcher(names: PortalBoolean.names)
        for s in ["có", "Có", "CÓ", "x", "X", "1", "01", "true", "Yes", "đã", "Đã", "co\u{0301}"] { #expect(match(&m, s) == true, "\(s)") }
        for s in ["không", "Không", "0", "00", "false", "NO", "chưa", "Chưa"] { #expect(match(&m, s) == false, "\(s)") }
        for s in ["2", "có lẽ", "co", "y"] { #expect(match(&m, s) == nil, "\(s)") }
    }

    @Test func statusesMatchByCodeOrName() {
        var m = EnumMatcher(names: DossierStatus.names,
                            codes: Dictionary(uniqueKeysWithValues: DossierStatus.allCases.map { (Int($0.rawValue), $0) }))
        #expect(match(&m, "10") == .returned)
        #expect(match(&m, "09") == .resolved)
        #expect(match(&m, "đã trả  KẾT QUẢ") == .returned)
        #expect(match(&m, "Đa\u{0303} xu\u{031B}\u{0309} ly\u{0301} xong") == .resolved)  // NFD
        #expect(match(&m, "11") == nil)
        #expect(match(&m, "0") == nil)
        #expect(match(&m, "Hoàn thành") == nil)
    }

    @Test func channelsMatchByCodeOrName() {
        var m = EnumMatcher(names: Channel.names, codes: [1: .direct, 2: .online, 3: .postal])
        #expect(match(&m, "2") == .online)
        #expect(match(&m, "bcci") == .postal)
        #expect(match(&m, "Qua bưu chính") == .postal)
        #expect(match(&m, "trực tiếp") == .direct)
        #expect(match(&m, "4") == nil)
    }

    @Test func s10TrackingCodesNeedTheRightCheckDigit() {
        func valid(_ s: String) -> Bool { FieldBytes.of(s) { TrackingCode.isValid($0) } }
        // 47312482: 4*8+7*6+3*4+1*2+2*3+4*5+8*9+2*7 = 200; 200 mod 11 = 2; 11-2 = 9.
        #expect(TrackingCode.checkDigit(serial: 47_312_482) == 9)
        #expect(valid("RR473124829GB"))
        #expect(!valid("RR473124828GB"))
        #expect(!valid("RR47312482GB"))
        #expect(!valid("1R473124829GB"))
        // Remainder 0 gives 5, remainder 1 gives 0.
        #expect(TrackingCode.checkDigit(sum: 11) == 5)
        #expect(TrackingCode.checkDigit(sum: 12) == 0)
    }

    @Test func referenceNumbersTakeEitherDecimalMark() {
        func n(_ s: String) -> Double? { FieldBytes.of(s) { ReferenceTable.number($0) } }
        #expect(n("80") == 80)
        #expect(n("1.234") == 1.234)
        #expect(n("1,5") == 1.5)
        #expect(n("-0,25") == -0.25)
        for bad in ["1.234,5", "1e3", "abc", ".5", "5.", "--1", "1 000"] { #expect(n(bad) == nil, "\(bad)") }
    }

    @Test func trimmingRemovesSpacesTabsAndNoBreakSpaces() {
        let s = "\u{00A0} a b\t "
        let t = FieldBytes.of(s) { ByteText.string(ByteText.trimmed($0)) }
        #expect(t == "a b")
    }

    @Test func headerKeysCollapseWhitespaceAndIgnoreCaseAndNormalization() {
        #expect(ByteText.normalizedKey("  Ngày   tiếp\tNHẬN ") == "ngày tiếp nhận")
        #expect(ByteText.normalizedKey("Nga\u{0300}y") == ByteText.normalizedKey("Ngày"))
        #expect(ByteText.normalizedKey("Ngay") != ByteText.normalizedKey("Ngày"))
    }
}
