import ArgumentParser
import ChiSo

/// `chiso version` (also `chiso --version`): the tool version that manifests and fingerprints record.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: vi("In phiên bản chiso."))

    func run() throws { print(ChiSoVersion.current) }
}
