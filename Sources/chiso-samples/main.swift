// chiso-samples: writes the exports of a fictional province, deterministically from a seed.
//
//   chiso-samples --out samples/hoa-phong [--dossiers 20000] [--seed 2023] [--layout province]
//
// Every name here is invented; no figure is attached to a real agency.
import Foundation

let arguments = GeneratorArguments.parse(CommandLine.arguments)
let layout = Layout.named(arguments.layout)
var generator = ProvinceGenerator(layout: layout, seed: arguments.seed, dossierCount: arguments.dossiers,
                                  outDirectory: arguments.out, flavour: arguments.flavour)
do {
    try generator.writeAll()
} catch {
    FileHandle.standardError.write(Data("chiso-samples: \(error)\n".utf8))
    exit(1)
}
