#if canImport(Glibc)
import Glibc
#endif
import Logging

/// chiso's one log sink: each message as one line on stderr, exactly as formatted by the caller (stage
/// lines, summaries, errors), so that cron mails hold only what chiso chose to say. Levels decide what is
/// said: without a terminal a successful run logs nothing at or above the default `.warning`.
struct ConsoleLogHandler: LogHandler {
    var logLevel: Logger.Level = .warning
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        Terminal.error(event.message.description)
    }
}

/// How much a command says (`--verbose`, `--quiet`), on a terminal or not.
enum Verbosity {
    /// The logger for one command. Errors always show; on a terminal stage lines and the summary show
    /// unless `--quiet`; without one they show only with `--verbose`.
    static func logger(verbose: Bool, quiet: Bool) -> Logger {
        var logger = Logger(label: "chiso") { _ in ConsoleLogHandler() }
        if verbose { logger.logLevel = .info } else if quiet { logger.logLevel = .warning } else {
            logger.logLevel = Terminal.stderrIsTerminal ? .info : .warning
        }
        return logger
    }
}
