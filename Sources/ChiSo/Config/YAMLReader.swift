import Yams

/// Typed access to a YAML node tree that reports every mistake with file, line and column.
struct YAMLReader {
    let file: String

    func error(_ node: Node?, _ message: String) -> ConfigError {
        ConfigError(file: file, line: node?.mark?.line, column: node?.mark?.column, message)
    }

    func string(_ node: Node, _ what: String) throws -> String {
        guard let scalar = node.scalar else { throw error(node, "\(what): cần một giá trị chuỗi") }
        return scalar.string
    }

    func double(_ node: Node, _ what: String) throws -> Double {
        guard let scalar = node.scalar, let v = Double(scalar.string), v.isFinite else {
            throw error(node, "\(what): cần một số")
        }
        return v
    }

    func int(_ node: Node, _ what: String) throws -> Int {
        guard let scalar = node.scalar, let v = Int(scalar.string) else {
            throw error(node, "\(what): cần một số nguyên")
        }
        return v
    }

    func sequence(_ node: Node, _ what: String) throws -> [Node] {
        guard let seq = node.sequence else { throw error(node, "\(what): cần một danh sách") }
        return Array(seq)
    }

    /// A list, or a single value taken as a one-element list.
    func list(_ node: Node, _ what: String) throws -> [Node] {
        if let seq = node.sequence { return Array(seq) }
        if node.scalar != nil { return [node] }
        throw error(node, "\(what): cần một giá trị hoặc một danh sách")
    }

    func mapping(_ node: Node, _ what: String, allowed: [String]) throws -> MappingFields {
        guard let mapping = node.mapping else { throw error(node, "\(what): cần một bảng khóa: giá trị") }
        var fields: [String: (key: Node, value: Node)] = [:]
        for (k, v) in mapping {
            guard let name = k.scalar?.string else { throw error(k, "\(what): khóa phải là chuỗi") }
            guard allowed.contains(name) else {
                throw error(k, "\(what): khóa không hợp lệ '\(name)' (cho phép: \(allowed.joined(separator: ", ")))")
            }
            if fields[name] != nil { throw error(k, "\(what): khóa '\(name)' lặp lại") }
            fields[name] = (k, v)
        }
        return MappingFields(reader: self, node: node, what: what, fields: fields)
    }
}

/// The fields of one YAML mapping, already checked for unknown and repeated keys.
struct MappingFields {
    let reader: YAMLReader
    let node: Node
    let what: String
    let fields: [String: (key: Node, value: Node)]

    func optional(_ key: String) -> Node? { fields[key]?.value }

    func required(_ key: String) throws -> Node {
        guard let v = fields[key]?.value else { throw reader.error(node, "\(what): thiếu khóa bắt buộc '\(key)'") }
        return v
    }

    func string(_ key: String) throws -> String { try reader.string(required(key), "\(what).\(key)") }

    func optionalString(_ key: String) throws -> String? {
        try optional(key).map { try reader.string($0, "\(what).\(key)") }
    }
}
