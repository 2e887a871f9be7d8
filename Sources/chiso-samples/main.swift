// chiso-samples: writes the exports of a fictional province, deterministically from a seed.
//
//   chiso-samples --out samples/hoa-phong [--dossiers 20000] [--seed 2023] [--layout province]
//
// Every name here is invented; no figure is attached to a real agency.
import ChiSo
import Foundation

let arguments = GeneratorArguments.parse(CommandLine.arguments)
let layout = Layout.named(arguments.layout)
guard let from = PortalDate.parseISO(arguments.from), let to = PortalDate.parseISO(arguments.to), from <= to else {
    fail("--from/--to: cần hai ngày yyyy-MM-dd, from <= to")
}
var generator = ProvinceGenerator(layout: layout, seed: arguments.seed, dossierCount: arguments.dossiers,
                                  outDirectory: arguments.out, flavour: arguments.flavour, from: from, to: to)
do {
    try generator.writeAll()
} catch {
    FileHandle.standardError.write(Data("chiso-samples: \(error)\n".utf8))
    exit(1)
}
