extension TrainingFileChecker {
    /// Findings about the file against the model it is meant for: a retired model, or a layout the
    /// model does not train on (a prompt/completion file for a chat model, or the reverse). Both are
    /// errors, so the mismatch is caught before an upload rather than by a failed job.
    static func modelFindings(model: String, fileFormat: String, examples: Int) -> [CheckFinding] {
        switch FineTuningTargets.verdict(for: model) {
        case .retired(let reason):
            return [CheckFinding(id: .retiredModel, severity: .error, message: reason)]
        case .current(let layout), .unlisted(let layout, _):
            guard examples > 0, layout.rawValue != fileFormat else { return [] }
            let how = layout == .chat
                ? "Write a chat file with `heartline dataset prepare --format chat` (the same sources), or choose a model that takes prompt/completion lines."
                : "Write a prompt/completion file with `heartline dataset prepare` (without --format chat)."
            return [CheckFinding(
                id: .modelFormat, severity: .error,
                message: "\(model) trains on \(layout.rawValue) lines, but this file is \(fileFormat). \(how)"
            )]
        }
    }
}
