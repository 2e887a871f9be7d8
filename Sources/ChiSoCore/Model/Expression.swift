/// An arithmetic expression of SPEC 5 (`numerator`, `denominator`) or one side of an award
/// predicate (SPEC 6), parsed once and evaluated per unit in IEEE double.
///
/// ```
/// expr    := term (("+" | "-") term)*
/// term    := unary (("*" | "/") unary)*
/// unary   := "-" unary | primary
/// primary := NUMBER | NAME | STRING | "(" expr ")"      (STRING only in predicates)
/// ```
public struct Expression: Sendable, Equatable, CustomStringConvertible {
    /// The parsed tree: numbers, names (indicators, `target.KEY`, `score`…) and + − × ÷.
    public indirect enum Node: Sendable, Equatable {
        case number(Double)
        case name(String)
        case text(String)
        case negate(Node)
        case binary(Character, Node, Node)
    }

    /// The tree evaluated against a unit's facts.
    public let root: Node
    /// The text as written in the pipeline file (used in reasons: `LHS = VALUE, cần OP RHS`).
    public let source: String

    /// The expression as written in the pipeline file.
    public var description: String { source }

    /// Every name the expression uses, in order of appearance.
    public var names: [String] {
        var out: [String] = []
        func walk(_ n: Node) {
            switch n {
            case let .name(s): if !out.contains(s) { out.append(s) }
            case let .negate(a): walk(a)
            case let .binary(_, a, b): walk(a); walk(b)
            case .number, .text: break
            }
        }
        walk(root)
        return out
    }

    /// A lone name (`late_total`), else nil.
    public var singleName: String? {
        if case let .name(s) = root { return s }
        return nil
    }

    /// Evaluates with `lookup` giving each name's value (nil = none). Division by zero, or a name
    /// with no value, makes the whole expression nil (SPEC 5: not applicable).
    public func evaluate(_ lookup: (String) -> Double?) -> Double? {
        func eval(_ n: Node) -> Double? {
            switch n {
            case let .number(v): return v
            case let .name(s): return lookup(s)
            case .text: return nil
            case let .negate(a): return eval(a).map { -$0 }
            case let .binary(op, a, b):
                guard let x = eval(a), let y = eval(b) else { return nil }
                switch op {
                case "+": return x + y
                case "-": return x - y
                case "*": return x * y
                default: return y == 0 ? nil : x / y
                }
            }
        }
        return eval(root)
    }
}

/// A syntax error inside an expression, at a character offset of its text.
public struct ExpressionError: Error, Sendable {
    /// Character offset in the expression text where the problem is.
    public let offset: Int
    /// What is wrong, in Vietnamese.
    public let message: String
}

/// Recursive-descent parser for ``Expression``.
public struct ExpressionParser {
    private let chars: [Character]
    private var i = 0
    private let allowStrings: Bool

    /// Parses `text` entirely; throws ``ExpressionError`` with the offset of the problem.
    public static func parse(_ text: String, allowStrings: Bool = false) throws -> Expression {
        var p = ExpressionParser(chars: Array(text), allowStrings: allowStrings)
        let node = try p.expr()
        p.skipSpaces()
        if p.i < p.chars.count { throw ExpressionError(offset: p.i, message: "ký tự thừa '\(p.chars[p.i])'") }
        return Expression(root: node, source: Expression.trimmed(text))
    }

    private init(chars: [Character], allowStrings: Bool) {
        self.chars = chars
        self.allowStrings = allowStrings
    }

    private mutating func skipSpaces() { while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 } }

    private mutating func peek() -> Character? {
        skipSpaces()
        return i < chars.count ? chars[i] : nil
    }

    private mutating func expr() throws -> Expression.Node {
        var left = try term()
        while let c = peek(), c == "+" || c == "-" {
            i += 1
            left = .binary(c, left, try term())
        }
        return left
    }

    private mutating func term() throws -> Expression.Node {
        var left = try unary()
        while let c = peek(), c == "*" || c == "/" {
            i += 1
            left = .binary(c, left, try unary())
        }
        return left
    }

    private mutating func unary() throws -> Expression.Node {
        if peek() == "-" {
            i += 1
            return .negate(try unary())
        }
        return try primary()
    }

    private static func isNameStart(_ c: Character) -> Bool { (c >= "a" && c <= "z") || c == "_" }
    private static func isNameChar(_ c: Character) -> Bool { isNameStart(c) || (c >= "0" && c <= "9") }
    private static func isDigit(_ c: Character) -> Bool { c >= "0" && c <= "9" }

    private mutating func primary() throws -> Expression.Node {
        guard let c = peek() else { throw ExpressionError(offset: i, message: "thiếu toán hạng ở cuối biểu thức") }
        let start = i
        if c == "(" {
            i += 1
            let inner = try expr()
            guard peek() == ")" else { throw ExpressionError(offset: i, message: "thiếu dấu ')' đóng ngoặc mở ở vị trí \(start + 1)") }
            i += 1
            return inner
        }
        if Self.isDigit(c) {
            while i < chars.count, Self.isDigit(chars[i]) { i += 1 }
            if i < chars.count, chars[i] == "." {
                i += 1
                let frac = i
                while i < chars.count, Self.isDigit(chars[i]) { i += 1 }
                if i == frac { throw ExpressionError(offset: i, message: "số thiếu phần thập phân sau dấu '.'") }
            }
            return .number(Double(String(chars[start..<i]))!)
        }
        if Self.isNameStart(c) {
            while i < chars.count, Self.isNameChar(chars[i]) { i += 1 }
            if i < chars.count, chars[i] == "." {
                i += 1
                let part = i
                while i < chars.count, Self.isNameChar(chars[i]) { i += 1 }
                if i == part { throw ExpressionError(offset: i, message: "tên thiếu phần sau dấu '.'") }
            }
            return .name(String(chars[start..<i]))
        }
        if allowStrings, c == "\"" || c == "'" {
            i += 1
            let body = i
            while i < chars.count, chars[i] != c { i += 1 }
            guard i < chars.count else { throw ExpressionError(offset: start, message: "chuỗi chưa đóng dấu \(c)") }
            let text = String(chars[body..<i])
            i += 1
            return .text(text)
        }
        throw ExpressionError(offset: i, message: "ký tự không hợp lệ '\(c)' (cần số, tên, '(' hoặc '-')")
    }
}

/// A comparison of two expressions (SPEC 6 `eligible`).
public struct Predicate: Sendable, Equatable, CustomStringConvertible {
    /// The comparisons a condition may use.
    public enum Operator: String, Sendable, CaseIterable {
        case eq = "==", ne = "!=", le = "<=", ge = ">=", lt = "<", gt = ">"
    }

    /// The left-hand side.
    public let lhs: Expression
    /// The comparison.
    public let op: Operator
    /// The right-hand side.
    public let rhs: Expression
    /// The condition as written, for reasons and `explain`.
    public let source: String

    /// The condition as written.
    public var description: String { source }

    /// Parses `LHS OP RHS`; the operator is the first of `== != <= >= < >` outside quotes.
    public static func parse(_ text: String) throws -> Predicate {
        let chars = Array(text)
        var quote: Character?
        var k = 0
        while k < chars.count {
            let c = chars[k]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if "=!<>".contains(c) {
                let two = k + 1 < chars.count ? String(chars[k...k + 1]) : String(c)
                let op: Operator
                if let o = Operator(rawValue: two) { op = o } else if let o = Operator(rawValue: String(c)) { op = o } else {
                    throw ExpressionError(offset: k, message: "toán tử so sánh không hợp lệ '\(two)' (dùng == != < <= > >=)")
                }
                let width = op.rawValue.count
                let left = String(chars[..<k]), right = String(chars[(k + width)...])
                if let bad = right.firstIndex(where: { "=!<>".contains($0) }), !right.contains("\""), !right.contains("'") {
                    throw ExpressionError(offset: k + width + right.distance(from: right.startIndex, to: bad),
                                          message: "chỉ được một toán tử so sánh")
                }
                let lhs: Expression
                do { lhs = try ExpressionParser.parse(left, allowStrings: true) }
                let rhs: Expression
                do { rhs = try ExpressionParser.parse(right, allowStrings: true) } catch let e as ExpressionError {
                    throw ExpressionError(offset: e.offset + k + width, message: e.message)
                }
                return Predicate(lhs: lhs, op: op, rhs: rhs, source: Expression.trimmed(text))
            }
            k += 1
        }
        throw ExpressionError(offset: 0, message: "thiếu toán tử so sánh (== != < <= > >=)")
    }
}

extension Expression {
    /// `text` without leading and trailing spaces and tabs (how an expression is shown back).
    static func trimmed(_ text: String) -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !blank($0) }), let last = text.lastIndex(where: { !blank($0) }) else { return "" }
        return String(text[first...last])
    }
}
