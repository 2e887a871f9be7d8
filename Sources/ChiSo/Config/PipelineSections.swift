import Yams

/// The sections of a pipeline file, re-serialized so that formatting and comments do not count.
public struct PipelineSections: Sendable {
    let sections: [String: String]

    init(root: Node) {
        var out: [String: String] = [:]
        if let mapping = root.mapping {
            for (k, v) in mapping {
                guard let key = k.string else { continue }
                if key == "sources", let sources = v.mapping {
                    for (sk, sv) in sources {
                        guard let name = sk.string else { continue }
                        if name == "aliases", let aliases = sv.mapping {
                            for (ak, av) in aliases { out["sources.aliases.\(ak.string ?? "")"] = PipelineSections.text(av) }
                        } else {
                            out["sources.\(name)"] = PipelineSections.text(sv)
                        }
                    }
                } else {
                    out[key] = PipelineSections.text(v)
                }
            }
        }
        sections = out
    }

    static func text(_ node: Node) -> String {
        (try? Yams.serialize(node: node)) ?? ""
    }

    subscript(_ name: String) -> String { sections[name] ?? "" }
}
