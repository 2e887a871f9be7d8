/// The `Tổng quan` sheet (SPEC 11.1): title, period, as_of, tool version, units per tier, and each award's
/// proposed units in order. No wall-clock time, so the workbook's bytes depend on the inputs only (the
/// run's start time is in `manifest.json`).
public enum Overview {
    /// The overview table.
    /// - Parameters:
    ///   - registry: the reporting units.
    ///   - decisions: per award key, the decisions in output order.
    public static func table(config: PipelineConfig, asOf: Day, registry: UnitRegistry,
                             decisions: [String: [AwardDecision]]) -> ReportTable {
        var t = ReportTable(keys: ["item", "content", "number"], header: ["Mục", "Nội dung", "Số"], kinds: [.text, .text, .integer])
        t.append(["Phong trào", config.title, ""])
        t.append(["Pipeline", config.pipeline, ""])
        t.append(["Kỳ đánh giá", "\(config.period.key): \(PortalDate.iso(config.period.from)) – \(PortalDate.iso(config.period.to))", ""])
        t.append(["Số liệu đến ngày", PortalDate.iso(asOf), ""])
        t.append(["Phiên bản chiso", ChiSoVersion.current, ""])
        for tier in config.tiers {
            t.append(["Số đơn vị", tier.label, String(registry.units.filter { $0.tier == tier.key }.count)])
        }
        for award in config.awards {
            let selected = (decisions[award.key] ?? []).filter(\.selected).sorted { ($0.group, $0.position ?? 0) < ($1.group, $1.position ?? 0) }
            if selected.isEmpty { t.append([award.label, "(không có đơn vị nào được đề nghị)", ""]) }
            for d in selected {
                let unit = registry.units[d.unit]
                t.append([award.label, "\(unit.code) — \(unit.name)", d.position.map(String.init) ?? ""])
            }
        }
        return t
    }
}
