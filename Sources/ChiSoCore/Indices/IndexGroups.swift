/// Index groups (nhóm chỉ số) and reconciliation with the portal's published figures. Pure.
///
/// A group's subtotal is its components' points under the index's N/A policy, scaled like the score, so
/// that the subtotals of groups covering every component add up to the score:
/// - `redistribute`: Σ points of the group's applicable components ÷ Σ maximum points of all applicable
///   components × scale; no subtotal when none of the group's components applies (its points went to
///   the others), nor when the unit has no score;
/// - `full`: Σ (points, or the maximum for an N/A component) ÷ Σ all maxima × scale;
/// - `zero`: Σ points of the applicable ones ÷ Σ all maxima × scale.
/// Subtotals are computed from unrounded points and shown with `round2`, like points.
extension IndexConfig {
    /// Unrounded subtotal per group, in `groups` order.
    public func groupSubtotals(_ results: [ComponentResult]) -> [Double?] {
        var applicableMax = 0.0, allMax = 0.0
        for (c, r) in zip(components, results) {
            allMax += c.points
            if r.isApplicable { applicableMax += c.points }
        }
        return groups.map { group in
            var earned = 0.0
            var applies = false
            for (c, r) in zip(components, results) where c.group == group.key {
                if let p = r.points {
                    earned += p
                    applies = true
                } else if notApplicable == .full {
                    earned += c.points
                }
            }
            switch notApplicable {
            case .redistribute:
                guard applies, applicableMax > 0 else { return nil }
                return earned / applicableMax * scale
            case .full, .zero:
                return earned / allMax * scale
            }
        }
    }

    /// What is compared with the portal, in column order: each reconciled group, then the total (`score`).
    public var reconciledItems: [(key: String, label: String)] {
        guard let rec = reconciliation else { return [] }
        return rec.groups.map { g in (g.group, groups.first { $0.key == g.group }!.label) }
            + (rec.total == nil ? [] : [("score", "Tổng điểm")])
    }

    /// The figures compared with the portal for one unit: each reconciled group, then the total.
    /// - Parameter external: the `external` table, keyed like `score.unit`.
    public func reconciled(_ score: UnitScore, external: ReferenceTable?) -> [ReconciledFigure] {
        guard let rec = reconciliation else { return [] }
        let subtotals = groupSubtotals(score.components)
        func value(_ name: String) -> Double? { external?.value(unit: score.unit, key: String(name.dropFirst("external.".count))) }
        var out: [ReconciledFigure] = []
        for (groupKey, name) in rec.groups {
            let g = groups.firstIndex { $0.key == groupKey }!
            out.append(ReconciledFigure(key: groupKey, label: groups[g].label, source: name,
                                        chiso: subtotals[g].map(Rounding.round2), portal: value(name), tolerance: rec.tolerance))
        }
        if let name = rec.total {
            out.append(ReconciledFigure(key: "score", label: "Tổng điểm", source: name, chiso: score.shownScore,
                                        portal: value(name), tolerance: rec.tolerance))
        }
        return out
    }
}

/// chiso's shown value of a group or total beside the portal's, and their difference.
public struct ReconciledFigure: Sendable, Equatable {
    /// The group key, or `score` for the total.
    public let key: String
    /// The group's label as the report shows it.
    public let label: String
    /// The `external.KEY` the portal's value came from.
    public let source: String
    /// chiso's shown value (2 decimals).
    public let chiso: Double?
    /// The portal's published value; nil when the file has none for the unit.
    public let portal: Double?
    /// How far apart they may be before a `portal_mismatch` warning.
    public let tolerance: Double

    /// chiso − portal, rounded to 2 decimals; nil when either is missing.
    public var difference: Double? {
        guard let chiso, let portal else { return nil }
        return Rounding.round2(chiso - portal)
    }

    /// The difference is beyond the tolerance: the Office must explain it.
    public var exceeds: Bool { difference.map { abs($0) > tolerance } ?? false }
}

extension IndexConfig {
    /// One `portal_mismatch` warning per unit and figure whose difference with the portal's published value
    /// exceeds the tolerance: what the Office must explain to the province.
    /// - Parameters:
    ///   - registry: the reporting units (`scores[i].unit` indexes it).
    ///   - externalFile: the external file's path as findings show it.
    public func portalMismatches(_ scores: [UnitScore], registry: UnitRegistry, external: ReferenceTable?,
                                 externalFile: String) -> [Finding] {
        guard reconciliation != nil else { return [] }
        var out: [Finding] = []
        for s in scores {
            for f in reconciled(s, external: external) where f.exceeds {
                let unit = registry.units[s.unit]
                out.append(Finding(.warning, .portalMismatch, source: .external, file: externalFile, line: nil,
                                   column: String(f.source.dropFirst("external.".count)), value: Format.amount(f.portal!),
                                   unitCode: unit.code,
                                   message: "\(label) — \(f.label): chiso tính \(Format.fixed2(f.chiso!)), cổng quốc gia công bố \(Format.fixed2(f.portal!)), chênh \(Format.fixed2(f.difference!)) (quá ±\(Format.amount(f.tolerance)))"))
            }
        }
        return out
    }
}
