import Yams

/// Reads `indices:` and `awards:` (SPEC 5, 6, 6a), checking every name and expression.
struct ScoringLoader {
    let r: YAMLReader
    let tiers: [Tier]

    static let indicatorKeys = Set(Indicator.allCases.map(\.rawValue))

    func position(_ node: Node, offset: Int) -> (Int?, Int?) {
        guard let mark = node.mark else { return (nil, nil) }
        var column = mark.column + offset
        if let style = node.scalar?.style, style == .singleQuoted || style == .doubleQuoted { column += 1 }
        return (mark.line, column)
    }

    func fail(_ node: Node, offset: Int, _ message: String) -> ConfigError {
        let (line, column) = position(node, offset: offset)
        return ConfigError(file: r.file, line: line, column: column, message)
    }

    /// Offset of `name` in the scalar's text (for pointing at an unknown name).
    func offset(of name: String, in text: String) -> Int {
        guard let range = text.range(of: name) else { return 0 }
        return text.distance(from: text.startIndex, to: range.lowerBound)
    }

    func parseExpression(_ node: Node, _ what: String) throws -> Expression {
        let text = try r.string(node, what)
        let e: Expression
        do { e = try ExpressionParser.parse(text) } catch let error as ExpressionError {
            throw fail(node, offset: error.offset, "\(what): \(error.message)")
        }
        for name in e.names where !isReference(name) && !Self.indicatorKeys.contains(name) {
            throw fail(node, offset: offset(of: name, in: text),
                       "\(what): tên không xác định '\(name)' (dùng chỉ tiêu của SPEC 4, target.KEY hoặc external.KEY)")
        }
        return e
    }

    func isReference(_ name: String) -> Bool { name.hasPrefix("target.") || name.hasPrefix("external.") }

    func indices(_ node: Node) throws -> [IndexConfig] {
        var out: [IndexConfig] = []
        for item in try r.sequence(node, "indices") {
            let f = try r.mapping(item, "indices[]", allowed: ["key", "label", "not_applicable", "scale", "components", "bands",
                                                               "groups", "reconcile"])
            let key = try f.string("key")
            guard isKey(key) else { throw r.error(f.optional("key"), "indices[].key: chỉ dùng a-z, 0-9, '_' và '-'") }
            if out.contains(where: { $0.key == key }) { throw r.error(f.optional("key"), "indices: khóa '\(key)' lặp lại") }
            let what = "indices.\(key)"
            var policy = NotApplicablePolicy.redistribute
            if let n = f.optional("not_applicable") {
                guard let p = NotApplicablePolicy(rawValue: try r.string(n, "\(what).not_applicable")) else {
                    throw r.error(n, "\(what).not_applicable: dùng redistribute, full hoặc zero")
                }
                policy = p
            }
            let groups = try indexGroups(f.optional("groups"), what)
            var components: [ComponentConfig] = []
            let componentNodes = try r.sequence(try f.required("components"), "\(what).components")
            guard !componentNodes.isEmpty else { throw r.error(f.optional("components"), "\(what).components: cần ít nhất một thành phần") }
            for cn in componentNodes {
                let cf = try r.mapping(cn, "\(what).components[]",
                                       allowed: ["key", "label", "points", "numerator", "denominator", "full_at", "group"])
                let ck = try cf.string("key")
                guard isKey(ck) else { throw r.error(cf.optional("key"), "\(what).components[].key: chỉ dùng a-z, 0-9, '_'") }
                let label = try cf.optionalString("label") ?? ck
                if components.contains(where: { $0.key == ck }) { throw r.error(cf.optional("key"), "\(what): thành phần '\(ck)' lặp lại") }
                if components.contains(where: { $0.label == label }) { throw r.error(cf.optional("label"), "\(what): nhãn '\(label)' lặp lại") }
                let pointsNode = try cf.required("points")
                let points = try r.double(pointsNode, "\(what).\(ck).points")
                guard points > 0 else { throw r.error(pointsNode, "\(what).\(ck).points: cần số dương") }
                var fullAt = 1.0
                if let fn = cf.optional("full_at") {
                    fullAt = try r.double(fn, "\(what).\(ck).full_at")
                    guard fullAt > 0 && fullAt <= 1 else { throw r.error(fn, "\(what).\(ck).full_at: cần 0 < full_at <= 1") }
                }
                var group: String?
                if let gn = cf.optional("group") {
                    let g = try r.string(gn, "\(what).\(ck).group")
                    guard groups.contains(where: { $0.key == g }) else {
                        throw r.error(gn, "\(what).\(ck).group: không có nhóm '\(g)' trong \(what).groups (có: \(groups.map(\.key).joined(separator: ", ")))")
                    }
                    group = g
                }
                components.append(ComponentConfig(
                    key: ck, label: label, points: points,
                    numerator: try parseExpression(try cf.required("numerator"), "\(what).\(ck).numerator"),
                    denominator: try parseExpression(try cf.required("denominator"), "\(what).\(ck).denominator"),
                    fullAt: fullAt, group: group))
            }
            for g in groups {
                let sum = components.filter { $0.group == g.key }.reduce(0) { $0 + $1.points }
                guard abs(sum - g.points) < 1e-9 else {
                    throw r.error(f.optional("groups"), "\(what).groups: nhóm '\(g.key)' có tối đa \(Format.amount(g.points)) điểm nhưng các thành phần của nó cộng lại \(Format.amount(sum))")
                }
            }
            var scale = components.reduce(0) { $0 + $1.points }
            if let sn = f.optional("scale") {
                scale = try r.double(sn, "\(what).scale")
                guard scale > 0 else { throw r.error(sn, "\(what).scale: cần số dương") }
            }
            var bands: [Band] = []
            if let bn = f.optional("bands") {
                for b in try r.sequence(bn, "\(what).bands") {
                    let bf = try r.mapping(b, "\(what).bands[]", allowed: ["min", "label"])
                    let band = Band(min: try r.double(try bf.required("min"), "\(what).bands[].min"), label: try bf.string("label"))
                    if let last = bands.last, band.min >= last.min {
                        throw r.error(b, "\(what).bands: 'min' phải giảm dần (\(Format.amount(band.min)) sau \(Format.amount(last.min)))")
                    }
                    bands.append(band)
                }
            }
            out.append(IndexConfig(key: key, label: try f.optionalString("label") ?? key, notApplicable: policy,
                                   scale: scale, components: components, bands: bands, groups: groups,
                                   reconciliation: try reconciliation(f.optional("reconcile"), what, groups)))
        }
        return out
    }

    /// `groups: [{key, label, points}]` of an index.
    func indexGroups(_ node: Node?, _ what: String) throws -> [IndexGroup] {
        guard let node else { return [] }
        var out: [IndexGroup] = []
        for g in try r.sequence(node, "\(what).groups") {
            let gf = try r.mapping(g, "\(what).groups[]", allowed: ["key", "label", "points"])
            let key = try gf.string("key")
            guard isKey(key) else { throw r.error(gf.optional("key"), "\(what).groups[].key: chỉ dùng a-z, 0-9, '_' và '-'") }
            if out.contains(where: { $0.key == key }) { throw r.error(gf.optional("key"), "\(what).groups: khóa '\(key)' lặp lại") }
            let pointsNode = try gf.required("points")
            let points = try r.double(pointsNode, "\(what).groups.\(key).points")
            guard points > 0 else { throw r.error(pointsNode, "\(what).groups.\(key).points: cần số dương") }
            out.append(IndexGroup(key: key, label: try gf.optionalString("label") ?? key, points: points))
        }
        return out
    }

    /// `reconcile: {tolerance, total: external.KEY, groups: {GROUP: external.KEY}}` of an index.
    func reconciliation(_ node: Node?, _ what: String, _ groups: [IndexGroup]) throws -> Reconciliation? {
        guard let node else { return nil }
        let f = try r.mapping(node, "\(what).reconcile", allowed: ["tolerance", "total", "groups"])
        func external(_ n: Node, _ place: String) throws -> String {
            let name = try r.string(n, place)
            guard name.hasPrefix("external."), isKey(String(name.dropFirst(9))) else {
                throw r.error(n, "\(place): cần dạng external.KEY (giá trị cổng quốc gia công bố, trong tệp external)")
            }
            return name
        }
        let total = try f.optional("total").map { try external($0, "\(what).reconcile.total") }
        var pairs: [(group: String, key: String)] = []
        if let gn = f.optional("groups") {
            let gf = try r.mapping(gn, "\(what).reconcile.groups", allowed: groups.map(\.key))
            for g in groups {
                if let v = gf.optional(g.key) { pairs.append((g.key, try external(v, "\(what).reconcile.groups.\(g.key)"))) }
            }
        }
        var tolerance = 0.5
        if let tn = f.optional("tolerance") {
            tolerance = try r.double(tn, "\(what).reconcile.tolerance")
            guard tolerance >= 0 else { throw r.error(tn, "\(what).reconcile.tolerance: cần số không âm") }
        }
        return Reconciliation(total: total, groups: pairs, tolerance: tolerance)
    }

    func isKey(_ s: String) -> Bool {
        !s.isEmpty && s.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "_" || $0 == "-" }
    }

    /// Names an award predicate may use, for the award's index.
    func predicateNameProblem(_ name: String, index: IndexConfig) -> String? {
        if Self.indicatorKeys.contains(name) || isReference(name) { return nil }
        if ["score", "rank", "prev_rank", "rank_change", "band"].contains(name) { return nil }
        for prefix in ["rate.", "points."] where name.hasPrefix(prefix) {
            let c = String(name.dropFirst(prefix.count))
            return index.components.contains { $0.key == c } ? nil
                : "chỉ số '\(index.key)' không có thành phần '\(c)' (có: \(index.components.map(\.key).joined(separator: ", ")))"
        }
        return "tên không xác định '\(name)'"
    }

    func predicate(_ node: Node, _ what: String, index: IndexConfig) throws -> Predicate {
        let text = try r.string(node, what)
        let p: Predicate
        do { p = try Predicate.parse(text) } catch let e as ExpressionError {
            throw fail(node, offset: e.offset, "\(what): \(e.message)")
        }
        for name in p.lhs.names + p.rhs.names {
            if let problem = predicateNameProblem(name, index: index) {
                throw fail(node, offset: offset(of: name, in: text), "\(what): \(problem)")
            }
        }
        let texts = [p.lhs, p.rhs].filter { if case .text = $0.root { return true }; return false }
        let usesBand = p.lhs.names.contains("band") || p.rhs.names.contains("band")
        if !texts.isEmpty || usesBand {
            let sides = [p.lhs.singleName, p.rhs.singleName]
            guard texts.count == 1, sides.contains("band"), p.op == .eq || p.op == .ne else {
                throw fail(node, offset: 0, "\(what): 'band' chỉ so sánh == hoặc != với một chuỗi trong ngoặc kép, ví dụ band == \"Xuất sắc\"")
            }
        }
        return p
    }

    func awards(_ node: Node, indices: [IndexConfig]) throws -> [AwardConfig] {
        var out: [AwardConfig] = []
        for item in try r.sequence(node, "awards") {
            let f = try r.mapping(item, "awards[]", allowed: ["key", "label", "index", "groups", "eligible", "tie_break",
                                                            "individuals_per_unit"])
            let key = try f.string("key")
            guard isKey(key) else { throw r.error(f.optional("key"), "awards[].key: chỉ dùng a-z, 0-9, '_' và '-'") }
            if out.contains(where: { $0.key == key }) { throw r.error(f.optional("key"), "awards: khóa '\(key)' lặp lại") }
            let what = "awards.\(key)"
            let indexNode = try f.required("index")
            let indexKey = try r.string(indexNode, "\(what).index")
            guard let index = indices.first(where: { $0.key == indexKey }) else {
                throw r.error(indexNode, "\(what).index: không có chỉ số '\(indexKey)' (có: \(indices.map(\.key).joined(separator: ", ")))")
            }
            var groups: [AwardGroup] = []
            var seenTiers: Set<String> = []
            for g in try r.sequence(try f.required("groups"), "\(what).groups") {
                let gf = try r.mapping(g, "\(what).groups[]", allowed: ["tier", "quota"])
                var groupTiers: [String] = []
                for t in try r.list(try gf.required("tier"), "\(what).groups[].tier") {
                    let tk = try r.string(t, "\(what).groups[].tier")
                    guard tiers.contains(where: { $0.key == tk }) else {
                        throw r.error(t, "\(what).groups: cấp '\(tk)' không khai báo trong tiers (có: \(tiers.map(\.key).joined(separator: ", ")))")
                    }
                    guard seenTiers.insert(tk).inserted else { throw r.error(t, "\(what).groups: cấp '\(tk)' đã thuộc một nhóm khác") }
                    groupTiers.append(tk)
                }
                var quota: Int?
                if let q = gf.optional("quota") {
                    let v = try r.int(q, "\(what).groups[].quota")
                    guard v >= 0 else { throw r.error(q, "\(what).groups[].quota: cần số nguyên không âm") }
                    quota = v
                }
                groups.append(AwardGroup(tiers: groupTiers, quota: quota))
            }
            var conditions: [Condition] = []
            if let en = f.optional("eligible") {
                for c in try r.sequence(en, "\(what).eligible") {
                    if let m = c.mapping {
                        let cf = try r.mapping(Node.mapping(m), "\(what).eligible[]", allowed: ["any"])
                        let items = try r.sequence(try cf.required("any"), "\(what).eligible[].any")
                        guard !items.isEmpty else { throw r.error(c, "\(what).eligible: 'any' cần ít nhất một điều kiện") }
                        conditions.append(.any(try items.map { try predicate($0, "\(what).eligible", index: index) }))
                    } else {
                        conditions.append(.all(try predicate(c, "\(what).eligible", index: index)))
                    }
                }
            }
            var tieBreak: [TieBreak] = []
            if let tn = f.optional("tie_break") {
                for t in try r.sequence(tn, "\(what).tie_break") {
                    let text = try r.string(t, "\(what).tie_break")
                    let parts = text.split(separator: " ", omittingEmptySubsequences: false)
                    guard parts.count == 2, parts[1] == "asc" || parts[1] == "desc" else {
                        throw r.error(t, "\(what).tie_break: dùng đúng dạng 'TÊN asc' hoặc 'TÊN desc'")
                    }
                    if let problem = predicateNameProblem(String(parts[0]), index: index) {
                        throw r.error(t, "\(what).tie_break: \(problem)")
                    }
                    tieBreak.append(TieBreak(name: String(parts[0]), ascending: parts[1] == "asc"))
                }
            }
            var individuals: Int?
            if let n = f.optional("individuals_per_unit") {
                let v = try r.int(n, "\(what).individuals_per_unit")
                guard v >= 0 else { throw r.error(n, "\(what).individuals_per_unit: cần số nguyên không âm") }
                individuals = v
            }
            out.append(AwardConfig(key: key, label: try f.optionalString("label") ?? key, index: indexKey, groups: groups,
                                   eligible: conditions, tieBreak: tieBreak, individualsPerUnit: individuals))
        }
        return out
    }
}
