import Testing
@testable import ChiSoCore

/// `DossierLinks.take` moves one linked source's rows and flags and nothing else: how a source read again
/// has its old links cleared.
@Suite struct DossierLinksTests {
    func full(_ line: Int) -> DossierLinks {
        var l = DossierLinks()
        l.late = RowRef(file: FileIDs.id(.late, 0), line: line)
        l.apology = true
        l.postalIntake = RowRef(file: FileIDs.id(.postal, 0), line: line + 1)
        l.postalReturn = RowRef(file: FileIDs.id(.postal, 1), line: line + 2)
        l.returnDelivered = true
        l.digitized = RowRef(file: FileIDs.id(.digitized, 0), line: line + 3)
        l.digitizedInputs = true; l.reused = true; l.eResult = true; l.eSigned = true
        return l
    }

    @Test func eachSourceMovesItsOwnRowsAndFlagsOnly() {
        let old = full(10), new = full(500)
        var late = old
        late.take(.late, from: new)
        #expect(late.late == new.late && late.apology)
        #expect(late.postalIntake == old.postalIntake && late.postalReturn == old.postalReturn && late.digitized == old.digitized)

        var cleared = old
        cleared.take(.postal, from: DossierLinks())
        #expect(cleared.postalIntake == nil && cleared.postalReturn == nil && !cleared.returnDelivered)
        #expect(cleared.late == old.late && cleared.apology && cleared.digitized == old.digitized)
        #expect(cleared.digitizedInputs && cleared.reused && cleared.eResult && cleared.eSigned)

        cleared.take(.digitized, from: DossierLinks())
        #expect(cleared.digitized == nil && !cleared.digitizedInputs && !cleared.reused && !cleared.eResult && !cleared.eSigned)
        #expect(cleared.late == old.late && cleared.apology)
        cleared.take(.late, from: DossierLinks())
        #expect(cleared == DossierLinks())

        var same = old
        same.take(.dossiers, from: DossierLinks())
        #expect(same == old)
    }
}
