/// A unit of the generated registry.
struct GeneratedUnit {
    let code: String
    let name: String
    let tier: String
    let parent: String
    /// Relative share of the dossiers.
    let weight: Int
    /// Probability that one of its dossiers is resolved late (some units are spotless).
    let lateRate: Double
    /// Probability that a new dossier is submitted online.
    let onlineRate: Double
    /// Validity in the registry (SPEC 10.1), as `yyyy-MM-dd`; nil = unbounded.
    var validFrom: String? = nil
    var validTo: String? = nil
}

/// One row of a generated crosswalk (danh mục sắp xếp đơn vị).
struct GeneratedSuccession {
    let oldCode: String
    let newCode: String
    let effective: String
    /// "Có" / "Không" for a split, empty otherwise.
    let primary: String
}

/// The unit structure of one fictional administration.
struct Layout {
    let name: String
    let units: [GeneratedUnit]
    /// Tier labels as the registry writes them (the pipeline matches them by key or label).
    let tierLabels: [String: String]
    /// The crosswalk of a reorganized layout (empty for the others).
    var successions: [GeneratedSuccession] = []

    /// The registry has validity dates (a reorganized administration).
    var isDated: Bool { units.contains { $0.validFrom != nil || $0.validTo != nil } }

    static func named(_ name: String) -> Layout {
        switch name {
        case "province": return province()
        case "district": return district()
        case "city": return city()
        case "department": return department()
        case "province-2025": return reorganized2025()
        default: fail("layout không rõ: \(name) (có: province, district, city, department, province-2025)")
        }
    }

    static let departmentNames = [
        "Sở Tư pháp", "Sở Kế hoạch và Đầu tư", "Sở Tài chính", "Sở Công Thương", "Sở Nông nghiệp và Phát triển nông thôn",
        "Sở Giao thông vận tải", "Sở Xây dựng", "Sở Tài nguyên và Môi trường", "Sở Thông tin và Truyền thông",
        "Sở Lao động - Thương binh và Xã hội", "Sở Văn hóa, Thể thao và Du lịch", "Sở Khoa học và Công nghệ",
        "Sở Giáo dục và Đào tạo", "Sở Y tế", "Sở Nội vụ", "Ban Quản lý các khu công nghiệp",
    ]
    static let districtNames = ["Thành phố Vân Khê", "Huyện Đồi Mây", "Huyện Bến Nguyệt", "Huyện Sông Trà",
                                "Huyện Gò Sim", "Huyện Cát Vàng", "Thị xã Phong Điền Mới"]
    static let communeStems = ["An", "Bình", "Cẩm", "Đông", "Hòa", "Khánh", "Lạc", "Minh", "Nghĩa", "Phước",
                               "Quang", "Tân", "Thạnh", "Vĩnh", "Xuân", "Yên", "Hưng", "Long"]
    static let communeTails = ["Hải", "Sơn", "Lâm", "Thủy", "Mỹ", "Trung", "Phú", "Hiệp"]

    /// Tỉnh Hòa Phong: 16 departments, 7 district-level units, 8 communes each (56).
    static func province() -> Layout {
        var rng = SplitMix64(seed: 7)
        var units: [GeneratedUnit] = []
        for (i, name) in departmentNames.enumerated() {
            units.append(GeneratedUnit(
                code: String(format: "000.00.%02d.H99", 10 + i), name: "\(name) tỉnh Hòa Phong", tier: "Sở, ban, ngành",
                parent: "", weight: 6 + rng.below(10), lateRate: i % 5 == 0 ? 0 : 0.004 + Double(rng.below(30)) / 1000,
                onlineRate: 0.5 + Double(rng.below(45)) / 100))
        }
        var used = Set<String>()
        for (d, district) in districtNames.enumerated() {
            let districtCode = String(format: "000.%02d.30.H99", 40 + d)
            units.append(GeneratedUnit(
                code: districtCode, name: "UBND \(district)", tier: "UBND cấp huyện", parent: "", weight: 9 + rng.below(8),
                lateRate: d % 3 == 1 ? 0 : 0.005 + Double(rng.below(25)) / 1000, onlineRate: 0.4 + Double(rng.below(40)) / 100))
            for c in 0..<8 {
                var name: String
                repeat { name = "\(rng.pick(communeStems)) \(rng.pick(communeTails))" } while used.contains(name)
                used.insert(name)
                let kind = d == 0 ? "Phường" : (c == 0 ? "Thị trấn" : "Xã")
                units.append(GeneratedUnit(
                    code: String(format: "%03d.%02d.30.H99", 101 + c, 40 + d), name: "UBND \(kind) \(name), \(district)",
                    tier: "UBND cấp xã", parent: districtCode, weight: 1 + rng.below(3),
                    lateRate: c % 4 == 0 ? 0 : 0.003 + Double(rng.below(40)) / 1000,
                    onlineRate: 0.3 + Double(rng.below(50)) / 100))
            }
        }
        return Layout(name: "province", units: units,
                      tierLabels: ["tinh": "Sở, ban, ngành", "huyen": "UBND cấp huyện", "xa": "UBND cấp xã"])
    }

    /// Huyện Đồi Mây (fictional): its specialised offices and its communes.
    static func district() -> Layout {
        var rng = SplitMix64(seed: 11)
        let offices = ["Văn phòng HĐND và UBND huyện", "Phòng Tư pháp", "Phòng Tài nguyên và Môi trường", "Phòng Kinh tế và Hạ tầng",
                       "Phòng Lao động - Thương binh và Xã hội", "Phòng Văn hóa và Thông tin", "Phòng Nội vụ",
                       "Phòng Tài chính - Kế hoạch", "Phòng Nông nghiệp và Phát triển nông thôn"]
        var units: [GeneratedUnit] = []
        for (i, name) in offices.enumerated() {
            units.append(GeneratedUnit(code: String(format: "%03d.41.30.H99", 1 + i), name: "\(name) huyện Đồi Mây",
                                       tier: "Phòng chuyên môn", parent: "000.41.30.H99", weight: 3 + rng.below(8),
                                       lateRate: i % 3 == 0 ? 0 : 0.004 + Double(rng.below(25)) / 1000,
                                       onlineRate: 0.5 + Double(rng.below(45)) / 100))
        }
        var used = Set<String>()
        for c in 0..<12 {
            var name: String
            repeat { name = "\(rng.pick(communeStems)) \(rng.pick(communeTails))" } while used.contains(name)
            used.insert(name)
            units.append(GeneratedUnit(code: String(format: "%03d.41.30.H99", 101 + c), name: "UBND \(c == 0 ? "Thị trấn" : "Xã") \(name)",
                                       tier: "UBND cấp xã", parent: "000.41.30.H99", weight: 2 + rng.below(4),
                                       lateRate: c % 3 == 1 ? 0 : 0.003 + Double(rng.below(35)) / 1000,
                                       onlineRate: 0.3 + Double(rng.below(55)) / 100))
        }
        return Layout(name: "district", units: units, tierLabels: ["phong": "Phòng chuyên môn", "xa": "UBND cấp xã"])
    }

    /// Thành phố Vân Khê (fictional): its wards.
    static func city() -> Layout {
        var rng = SplitMix64(seed: 13)
        var units: [GeneratedUnit] = []
        var used = Set<String>()
        for w in 0..<16 {
            var name: String
            repeat { name = "\(rng.pick(communeStems)) \(rng.pick(communeTails))" } while used.contains(name)
            used.insert(name)
            units.append(GeneratedUnit(code: String(format: "%03d.50.30.H99", 201 + w), name: "UBND Phường \(name)",
                                       tier: "UBND phường", parent: "000.50.30.H99", weight: 2 + rng.below(5),
                                       lateRate: w % 4 == 0 ? 0 : 0.002 + Double(rng.below(30)) / 1000,
                                       onlineRate: 0.5 + Double(rng.below(45)) / 100))
        }
        return Layout(name: "city", units: units, tierLabels: ["phuong": "UBND phường"])
    }

    /// Sở Lao động - Thương binh và Xã hội tỉnh Hòa Phong (fictional): its offices and public service units.
    static func department() -> Layout {
        var rng = SplitMix64(seed: 17)
        let offices = ["Văn phòng Sở", "Phòng Kế hoạch - Tài chính", "Phòng Lao động - Việc làm - Giáo dục nghề nghiệp",
                       "Phòng Người có công", "Phòng Bảo trợ xã hội", "Phòng Trẻ em và Bình đẳng giới", "Thanh tra Sở"]
        let centres = ["Trung tâm Dịch vụ việc làm", "Cơ sở Bảo trợ xã hội tổng hợp", "Trung tâm Điều dưỡng người có công"]
        var units: [GeneratedUnit] = []
        for (i, name) in offices.enumerated() {
            units.append(GeneratedUnit(code: String(format: "000.%02d.19.H99", 1 + i), name: name, tier: "Phòng thuộc Sở",
                                       parent: "000.00.19.H99", weight: 2 + rng.below(8),
                                       lateRate: i % 3 == 0 ? 0 : 0.005 + Double(rng.below(25)) / 1000,
                                       onlineRate: 0.45 + Double(rng.below(50)) / 100))
        }
        for (i, name) in centres.enumerated() {
            units.append(GeneratedUnit(code: String(format: "000.%02d.19.H99", 20 + i), name: name, tier: "Đơn vị sự nghiệp",
                                       parent: "000.00.19.H99", weight: 2 + rng.below(6),
                                       lateRate: i == 1 ? 0 : 0.004 + Double(rng.below(20)) / 1000,
                                       onlineRate: 0.4 + Double(rng.below(50)) / 100))
        }
        return Layout(name: "department", units: units, tierLabels: ["phong": "Phòng thuộc Sở", "don_vi": "Đơn vị sự nghiệp"])
    }
}
