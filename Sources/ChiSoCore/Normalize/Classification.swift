/// Where a dossier stands in the run's period at `as_of` (SPEC 3).
public enum DossierClass: Sendable, Equatable {
    /// Rule 1 (status 1, 3, 7 or received after as_of) or rule 3 (finished before `from`).
    case excluded
    case inPeriod(carriedOver: Bool, outcome: Outcome)

    /// What happened to an in-period dossier by `as_of` (SPEC 3 rule 2).
    public enum Outcome: Sendable, Equatable {
        case finishedEarly, finishedOnTime, finishedLate, openInTime, openOverdue

        /// Finished (early, on time or late) rather than still open.
        public var isFinished: Bool { self == .finishedEarly || self == .finishedOnTime || self == .finishedLate }
        /// SPEC 4 `late_total`: finished late or open overdue.
        public var isLate: Bool { self == .finishedLate || self == .openOverdue }
        /// The indicator that counts this outcome.
        var indicator: Indicator {
            switch self {
            case .finishedEarly: return .finishedEarly
            case .finishedOnTime: return .finishedOnTime
            case .finishedLate: return .finishedLate
            case .openInTime: return .openInTime
            case .openOverdue: return .openOverdue
            }
        }
    }
}

/// The run's dates: period `[from, to]` and `as_of` (clipped to `to`).
public struct RunDates: Sendable, Equatable {
    /// The period's first day.
    public let from: Day
    /// The period's last day.
    public let to: Day
    /// The day the figures are taken as of (≤ `to`).
    public let asOf: Day

    /// SPEC 3: `as_of` defaults to `to`; a later one is clipped to `to`; one before `from` is a usage error (nil).
    public init?(period: Period, asOf: Day?) {
        from = period.from
        to = period.to
        let wanted = asOf ?? period.to
        if wanted < period.from { return nil }
        self.asOf = min(wanted, period.to)
    }

    /// The days of one run.
    public init(from: Day, to: Day, asOf: Day) {
        self.from = from
        self.to = to
        self.asOf = asOf
    }
}

/// SPEC 3, rule by rule; R = received, D = due, E = finished, S = status (all compared as dates).
public func classify(_ d: Dossier, _ dates: RunDates) -> DossierClass {
    // 1. Excluded from everything.
    if d.status.isExcluded || d.received > dates.asOf { return .excluded }
    // 2. Finished means S in {8, 9, 10} and E <= as_of; otherwise open at as_of.
    let finishedBy: Day? = d.status.isFinished ? d.finished.flatMap { $0 <= dates.asOf ? $0 : nil } : nil
    // 3. Finished before the period: outside it.
    if let e = finishedBy, e < dates.from { return .excluded }
    // 4. Carried over from the previous period or received in this one.
    let carried = d.received < dates.from
    let outcome: DossierClass.Outcome
    if let e = finishedBy {
        // 5. Early, late or on time (E = D, or no deadline).
        if let due = d.due, e < due { outcome = .finishedEarly }
        else if let due = d.due, e > due { outcome = .finishedLate }
        else { outcome = .finishedOnTime }
    } else {
        // 6. Overdue if there is a deadline before as_of.
        if let due = d.due, due < dates.asOf { outcome = .openOverdue } else { outcome = .openInTime }
    }
    return .inPeriod(carriedOver: carried, outcome: outcome)
}
