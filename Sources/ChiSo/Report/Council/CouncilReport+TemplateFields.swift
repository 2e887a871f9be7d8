import Mustache

// The template's names, looked up by a switch. Without these, swift-mustache finds each `{{name}}` by
// reflecting the value (`Mirror`) at every use: 60–80 ms for a 79-unit report, most of the report stage's
// critical path on a nightly run. Each `child(named:)` answers exactly the type's stored properties, under
// their own names, and nil for any other name (so that a name resolves further up the context stack, as it
// does by reflection). `CouncilReportTests` checks every stored property, by reflection, against this table
// and renders the page both ways.

extension CouncilReport: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "facts": facts
        case "indices": indices
        case "awards": awards
        case "hasAwards": hasAwards
        case "findingTotal": findingTotal
        case "severities": severities
        case "codes": codes
        case "files": files
        case "hasFiles": hasFiles
        default: nil
        }
    }
}

extension CouncilReport.Fact: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "label": label
        case "value": value
        default: nil
        }
    }
}

extension CouncilReport.Bar: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "y": y
        case "width": width
        case "label": label
        case "score": score
        case "textX": textX
        default: nil
        }
    }
}

extension CouncilReport.Threshold: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "x": x
        case "label": label
        default: nil
        }
    }
}

extension CouncilReport.Row: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "rank": rank
        case "code": code
        case "name": self.name
        case "score": score
        case "band": band
        case "change": change
        case "changeClass": changeClass
        case "scorePoints": scorePoints
        case "rankPoints": rankPoints
        case "periods": periods
        case "hasHistory": hasHistory
        case "groups": groups
        default: nil
        }
    }
}

extension CouncilReport.Reconciled: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "code": code
        case "name": self.name
        case "item": item
        case "chiso": chiso
        case "portal": portal
        case "difference": difference
        case "exceeds": exceeds
        default: nil
        }
    }
}

extension CouncilReport.TierSection: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "rows": rows
        case "groupHeaders": groupHeaders
        case "chartHeight": chartHeight
        case "bars": bars
        case "thresholds": thresholds
        case "hasScores": hasScores
        default: nil
        }
    }
}

extension CouncilReport.IndexSection: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "subtitle": subtitle
        case "tiers": tiers
        case "reconciliation": reconciliation
        case "hasReconciliation": hasReconciliation
        case "reconciliationNote": reconciliationNote
        default: nil
        }
    }
}

extension CouncilReport.AwardUnit: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "position": position
        case "code": code
        case "name": self.name
        case "tier": tier
        case "score": score
        case "rank": rank
        case "reasons": reasons
        default: nil
        }
    }
}

extension CouncilReport.AwardGroup: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "quota": quota
        case "selected": selected
        case "leftOut": leftOut
        case "others": others
        case "hasSelected": hasSelected
        case "hasLeftOut": hasLeftOut
        case "hasOthers": hasOthers
        default: nil
        }
    }
}

extension CouncilReport.AwardSection: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "groups": groups
        default: nil
        }
    }
}

extension CouncilReport.CodeCount: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "code": code
        case "severity": severity
        case "meaning": meaning
        case "count": count
        default: nil
        }
    }
}

extension CouncilReport.FileCount: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "file": file
        case "rejected": rejected
        case "rows": rows
        default: nil
        }
    }
}
