import ChiSo

/// Tỉnh Hòa Phong after the 2025 reorganization (fictional, in the manner of Decision 19/2025/QĐ-TTg).
extension Layout {
    static let departmentsMerged = "2025-03-01"
    static let districtsDissolved = "2025-07-01"

    /// The province layout of 2024 with validity dates, and the units that replaced it:
    /// - 1 March 2025, departments: Kế hoạch và Đầu tư into Tài chính, Giao thông vận tải into Xây dựng,
    ///   Thông tin và Truyền thông into Khoa học và Công nghệ (merged whole); Nông nghiệp and Tài nguyên
    ///   và Môi trường into a new Sở Nông nghiệp và Môi trường; Lao động - Thương binh và Xã hội split
    ///   (Nội vụ takes its dossiers; Giáo dục và Đào tạo and Y tế take parts); the industrial zones board
    ///   dissolved without successor; and, the same day, commune 108 of district 44 merged into 107 (the
    ///   first link of a chain).
    /// - 1 July 2025, two-tier government: every district dissolved (its dossiers go to the new commune
    ///   at its seat; district 43's to Sở Nội vụ); the 56 communes merged into 21: whole mergers of two or
    ///   three, commune 101 of district 46 split (primary successor named), commune 104 of district 45
    ///   renamed alone under a new code, and code 101.42.30.H99 reused for a different new commune.
    static func reorganized2025() -> Layout {
        let old = province()
        var units: [GeneratedUnit] = []
        var successions: [GeneratedSuccession] = []
        func ended(_ u: GeneratedUnit, _ last: String) -> GeneratedUnit {
            var u = u
            u.validTo = last
            return u
        }
        func succeed(_ from: String, _ to: String, _ day: String, _ primary: String = "") {
            successions.append(GeneratedSuccession(oldCode: from, newCode: to, effective: day, primary: primary))
        }
        // Departments.
        let departments = old.units.filter { $0.tier == "Sở, ban, ngành" }
        let mergedWhole = ["000.00.11.H99": "000.00.12.H99", "000.00.15.H99": "000.00.16.H99", "000.00.18.H99": "000.00.21.H99"]
        let intoNew = ["000.00.14.H99", "000.00.17.H99"]
        let newDepartment = "000.00.30.H99"
        for d in departments {
            if let to = mergedWhole[d.code] {
                units.append(ended(d, "2025-02-28"))
                succeed(d.code, to, departmentsMerged)
            } else if intoNew.contains(d.code) {
                units.append(ended(d, "2025-02-28"))
                succeed(d.code, newDepartment, departmentsMerged)
            } else if d.code == "000.00.19.H99" {
                units.append(ended(d, "2025-02-28"))
                succeed(d.code, "000.00.24.H99", departmentsMerged, "Có")
                succeed(d.code, "000.00.22.H99", departmentsMerged, "Không")
                succeed(d.code, "000.00.23.H99", departmentsMerged, "Không")
            } else if d.code == "000.00.25.H99" {
                units.append(ended(d, "2025-02-28"))  // dissolved, no successor: a retired unit
            } else {
                units.append(d)
            }
        }
        var created = GeneratedUnit(code: newDepartment, name: "Sở Nông nghiệp và Môi trường tỉnh Hòa Phong", tier: "Sở, ban, ngành",
                                    parent: "", weight: 14, lateRate: 0.012, onlineRate: 0.7)
        created.validFrom = departmentsMerged
        units.append(created)

        // Districts and communes.
        var newNumber = 0
        for d in 0..<7 {
            let districtCode = String(format: "000.%02d.30.H99", 40 + d)
            let district = old.units.first { $0.code == districtCode }!
            units.append(ended(district, "2025-06-30"))
            let communes = old.units.filter { $0.parent == districtCode }
            for (c, commune) in communes.enumerated() {
                units.append(ended(commune, d == 4 && c == 7 ? "2025-02-28" : "2025-06-30"))
            }
            // Groups of old communes (by position) that became one new commune.
            var groups: [[Int]] = [[0, 1, 2], [3, 4], [5, 6, 7]]
            if d == 5 { groups = [[0, 1, 2], [3], [4, 5, 6, 7]] }  // 104 renamed alone
            if d == 4 { groups = [[0, 1, 2], [3, 4], [5, 6]] }     // 108 already merged into 107 (a chain)
            var seat = ""
            for (g, members) in groups.enumerated() {
                newNumber += 1
                let reused = d == 2 && g == 1
                let code = reused ? communes[0].code : String(format: "%03d.00.31.H99", 100 + newNumber)
                let stem = communes[members[0]].name.components(separatedBy: ",")[0]
                    .replacingOccurrences(of: "UBND Thị trấn ", with: "UBND Xã ")
                let name = d == 5 && g == 1 ? stem : stem + (members.count > 1 ? " (mới)" : "")
                var unit = GeneratedUnit(code: code, name: name, tier: "UBND cấp xã", parent: "",
                                         weight: members.reduce(0) { $0 + communes[$1].weight } + (g == 0 ? 4 : 0),
                                         lateRate: communes[members[0]].lateRate, onlineRate: communes[members[0]].onlineRate + 0.1)
                unit.validFrom = districtsDissolved
                units.append(unit)
                if g == 0 { seat = code }
                for m in members {
                    if d == 6 && m == 0 { continue }  // the split commune, below
                    succeed(communes[m].code, code, districtsDissolved)
                }
                if d == 4 && g == 2 { succeed(communes[7].code, communes[6].code, departmentsMerged) }
                if d == 6 && g == 1 {
                    succeed(communes[0].code, seat, districtsDissolved, "Có")
                    succeed(communes[0].code, code, districtsDissolved, "Không")
                }
            }
            succeed(districtCode, d == 3 ? "000.00.24.H99" : seat, districtsDissolved)
        }
        var layout = Layout(name: "province-2025", units: units, tierLabels: ["tinh": "Sở, ban, ngành", "xa": "UBND cấp xã"])
        layout.successions = successions
        return layout
    }
}

extension GeneratedUnit {
    /// Valid on `day` (unbounded dates always are).
    func isActive(_ day: Day) -> Bool {
        (validFrom.flatMap(PortalDate.parseISO).map { $0 <= day } ?? true) && (validTo.flatMap(PortalDate.parseISO).map { day <= $0 } ?? true)
    }
}

extension ProvinceGenerator {
    /// Dossiers of a reorganized administration: each is received by a unit that exists that day, except
    /// that now and then the portal still files one under a predecessor's code after the change (the
    /// registry has no holder for it that day: `unit_inactive_on_date`).
    mutating func makeDatedDossiers() -> [GeneratedDossier] {
        let units = layout.units
        var predecessors: [Int: [Int]] = [:]
        for s in layout.successions {
            let day = PortalDate.parseISO(s.effective)!
            guard let to = units.firstIndex(where: { $0.code == s.newCode && $0.isActive(day) }),
                  let from = units.firstIndex(where: { $0.code == s.oldCode && $0.isActive(day - 1) }) else { continue }
            predecessors[to, default: []].append(from)
        }
        var list: [GeneratedDossier] = []
        list.reserveCapacity(dossierCount)
        let span = Int(lastDay - firstDay) + 1
        var cache: [Day: (indices: [Int], cumulative: [Int])] = [:]
        for n in 0..<dossierCount {
            let received = firstDay + Int32(rng.below(span))
            if cache[received] == nil {
                let active = units.indices.filter { units[$0].isActive(received) }
                var sum = 0
                cache[received] = (active, active.map { sum += units[$0].weight; return sum })
            }
            let (active, cumulative) = cache[received]!
            let pick = rng.below(cumulative.last!)
            var lo = 0, hi = cumulative.count - 1
            while lo < hi { let mid = (lo + hi) / 2; if cumulative[mid] > pick { hi = mid } else { lo = mid + 1 } }
            var unitIndex = active[lo]
            if let olds = predecessors[unitIndex], rng.chance(0.01) { unitIndex = olds[rng.below(olds.count)] }
            let p = rng.below(procedures.count)
            list.append(dossier(n, unit: unitIndex, procedure: p, received: received))
        }
        return list
    }
}

extension ProvinceGenerator {
    /// `chi-so-766.csv`: what the national portal publishes per unit for December 2025 — the Decision 766
    /// indicators chiso cannot compute from the exports (percentages, `,` as decimal mark), and the portal's
    /// own TDGQ group score. That score follows the portal's rule (on time share × 20) over each unit's
    /// dossiers attributed through the reorganization, except that for one unit in six the portal also
    /// subtracts time citizens spent supplementing their dossiers, which the exports do not carry: the
    /// differences a reconciliation must show.
    mutating func writePortal766(_ list: [GeneratedDossier]) throws {
        guard let from = PortalDate.parseISO("2025-12-01"), let to = PortalDate.parseISO("2025-12-31"),
              let dates = RunDates(period: Period(key: "2025-12", from: from, to: to), asOf: nil) else { return }
        let units = layout.units
        // Each unit's successor (its one crosswalk row, or the primary one of a split).
        var next: [Int: Int] = [:]
        for s in layout.successions where s.primary != "Không" {
            let day = PortalDate.parseISO(s.effective)!
            guard let old = units.firstIndex(where: { $0.code == s.oldCode && $0.isActive(day - 1) }),
                  let new = units.firstIndex(where: { $0.code == s.newCode && $0.isActive(day) }), old != new else { continue }
            next[old] = new
        }
        func reporting(_ u: Int) -> Int? {
            var current = u
            for _ in 0..<units.count {
                if units[current].isActive(to) { return current }
                guard let n = next[current] else { return nil }
                current = n
            }
            return nil
        }
        var onTime = [Int](repeating: 0, count: units.count), total = [Int](repeating: 0, count: units.count)
        for d in list {
            let dossier = Dossier(unit: d.unit, received: d.received, due: d.due, finished: d.finished,
                                  status: DossierStatus(rawValue: UInt8(d.status)) ?? .processing)
            guard case let .inPeriod(_, outcome) = classify(dossier, dates), let r = reporting(d.unit) else { continue }
            total[r] += 1
            if outcome == .finishedEarly || outcome == .finishedOnTime || outcome == .openInTime { onTime[r] += 1 }
        }
        let w = try CSVFileWriter(path: out + "/chi-so-766.csv", style: FileStyle(encoding: .utf8BOM, delimiter: ";", lineEnd: "\r\n"))
        let keys = ["ckmb_1_1", "ckmb_1_2", "ckmb_1_3", "ckmb_1_4", "clgq_3_1", "clgq_3_2", "tttt_3_5", "tttt_3_5b",
                    "mdsh_4_4", "mdsh_4_5a", "mdsh_4_5b", "mdsh_4_6", "mdhl_5_2", "mdhl_5_3"]
        w.row(["Mã đơn vị"] + keys + ["portal_tdgq"])
        func comma(_ v: Double) -> String { String(format: "%.2f", v).replacingOccurrences(of: ".", with: ",") }
        for (i, u) in units.enumerated() where u.isActive(to) {
            var row = [u.code]
            for key in keys {
                // Procedures are published by the province: nearly always complete; the rest vary by unit.
                let low = key.hasPrefix("ckmb") ? 9200 : (key.hasPrefix("mdhl") ? 8500 : 6000)
                row.append(comma(Double(low + rng.below(10_001 - low)) / 100))
            }
            var tdgq = total[i] == 0 ? 20.0 : 20.0 * Double(onTime[i]) / Double(total[i])
            if rng.below(6) == 0 { tdgq -= Double(30 + rng.below(120)) / 100 }  // supplement time subtracted
            row.append(comma((max(0, tdgq) * 100).rounded() / 100))
            w.row(row)
        }
        w.close()
    }
}
