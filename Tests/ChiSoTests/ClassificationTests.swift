import Testing
@testable import ChiSo
@testable import ChiSoCore

/// SPEC 3, rule by rule, on the date boundaries. Period 2023-01-01 … 2023-12-31, as_of 2023-06-30.
@Suite struct ClassificationTests {
    let dates = RunDates(from: day("2023-01-01"), to: day("2023-12-31"), asOf: day("2023-06-30"))

    func dossier(_ r: String, due: String? = nil, finished: String? = nil, status: DossierStatus = .returned) -> Dossier {
        Dossier(unit: 0, received: day(r), due: due.map(day), finished: finished.map(day), status: status)
    }

    @Test func statusesOneThreeSevenAreExcluded() {
        for s in [DossierStatus.registered, .rejected, .withdrawn] {
            #expect(classify(dossier("2023-02-01", status: s), dates) == .excluded)
        }
    }

    @Test func receivedAfterAsOfIsExcluded() {
        #expect(classify(dossier("2023-07-01", status: .processing), dates) == .excluded)
        #expect(classify(dossier("2023-06-30", status: .processing), dates) == .inPeriod(carriedOver: false, outcome: .openInTime))
    }

    @Test func finishedBeforeFromIsOutsideThePeriod() {
        #expect(classify(dossier("2022-12-01", finished: "2022-12-31"), dates) == .excluded)
        #expect(classify(dossier("2022-12-01", finished: "2023-01-01"), dates) == .inPeriod(carriedOver: true, outcome: .finishedOnTime))
    }

    @Test func receivedBeforeFromIsCarriedOver() {
        #expect(classify(dossier("2022-12-31", status: .processing), dates) == .inPeriod(carriedOver: true, outcome: .openInTime))
        #expect(classify(dossier("2023-01-01", status: .processing), dates) == .inPeriod(carriedOver: false, outcome: .openInTime))
    }

    @Test func finishedEarlyOnTimeOrLateAgainstTheDueDate() {
        #expect(classify(dossier("2023-02-01", due: "2023-02-10", finished: "2023-02-09"), dates) == .inPeriod(carriedOver: false, outcome: .finishedEarly))
        #expect(classify(dossier("2023-02-01", due: "2023-02-10", finished: "2023-02-10"), dates) == .inPeriod(carriedOver: false, outcome: .finishedOnTime))
        #expect(classify(dossier("2023-02-01", due: "2023-02-10", finished: "2023-02-11"), dates) == .inPeriod(carriedOver: false, outcome: .finishedLate))
        // No deadline: on time.
        #expect(classify(dossier("2023-02-01", finished: "2023-05-01"), dates) == .inPeriod(carriedOver: false, outcome: .finishedOnTime))
    }

    @Test func finishedAfterAsOfIsStillOpen() {
        #expect(classify(dossier("2023-06-01", due: "2023-07-10", finished: "2023-07-01"), dates) == .inPeriod(carriedOver: false, outcome: .openInTime))
        #expect(classify(dossier("2023-06-01", due: "2023-06-29", finished: "2023-07-01"), dates) == .inPeriod(carriedOver: false, outcome: .openOverdue))
        #expect(classify(dossier("2023-06-01", due: "2023-06-29", finished: "2023-06-30"), dates) == .inPeriod(carriedOver: false, outcome: .finishedLate))
    }

    @Test func openIsOverdueOnlyWhenTheDueDateIsBeforeAsOf() {
        #expect(classify(dossier("2023-06-01", due: "2023-06-30", status: .processing), dates) == .inPeriod(carriedOver: false, outcome: .openInTime))
        #expect(classify(dossier("2023-06-01", due: "2023-06-29", status: .processing), dates) == .inPeriod(carriedOver: false, outcome: .openOverdue))
        #expect(classify(dossier("2023-06-01", status: .supplementRequested), dates) == .inPeriod(carriedOver: false, outcome: .openInTime))
    }

    @Test func aFinishedDateWithoutAFinishedStatusDoesNotFinish() {
        #expect(classify(dossier("2023-06-01", due: "2023-06-10", finished: "2023-06-05", status: .processing), dates)
                == .inPeriod(carriedOver: false, outcome: .openOverdue))
    }

    @Test func stoppedCountsAsFinished() {
        #expect(classify(dossier("2023-06-01", due: "2023-06-10", finished: "2023-06-05", status: .stopped), dates)
                == .inPeriod(carriedOver: false, outcome: .finishedEarly))
    }

    @Test func asOfIsClippedToToAndMayNotPrecedeFrom() {
        let period = Period(key: "2023", from: day("2023-01-01"), to: day("2023-12-31"))
        #expect(RunDates(period: period, asOf: nil)?.asOf == day("2023-12-31"))
        #expect(RunDates(period: period, asOf: day("2024-03-01"))?.asOf == day("2023-12-31"))
        #expect(RunDates(period: period, asOf: day("2023-01-01"))?.asOf == day("2023-01-01"))
        #expect(RunDates(period: period, asOf: day("2022-12-31")) == nil)
    }
}
