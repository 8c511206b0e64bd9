/// Which base models a fine-tuning job can name today, the training-file layout each one takes,
/// and the dated notices about OpenAI's fine-tuning service (docs/datasets.md, "Which model").
///
/// The seed recipe fine-tuned GPT-3 completion models; that path is closed: new fine-tuning of
/// `babbage-002` / `davinci-002` ended on 2024-10-28, the base models shut down on 2026-09-28 and
/// their fine-tuned models on 2026-10-23. Asking for one fails here, before anything is uploaded,
/// instead of at the service (or, worse, after a paid upload).
public enum FineTuningTargets {
    /// The file layout a model trains on.
    public enum Layout: String, Sendable, Equatable {
        /// `{"prompt": …, "completion": …}` lines (GPT-3 completion models).
        case promptCompletion = "prompt-completion"
        /// `{"messages": [...]}` lines (chat models, and the open-weight trainers).
        case chat
    }

    public enum Verdict: Sendable, Equatable {
        /// Listed for supervised fine-tuning at the time of writing.
        case current(layout: Layout)
        /// Not in the current list but not known to be retired: the service decides.
        case unlisted(layout: Layout, note: String)
        /// Shut down or closed for fine-tuning: refuse, with the dates and alternatives.
        case retired(reason: String)
    }

    /// The default for `finetune create` and `dataset estimate`: the gpt-4.1-mini snapshot that
    /// OpenAI lists for supervised fine-tuning (chat format).
    public static let defaultModel = "gpt-4.1-mini-2025-04-14"

    /// Base models listed for supervised fine-tuning (the gpt-4.1 family), by name prefix.
    static let current = ["gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano"]
    /// Chat models that were fine-tunable earlier; not listed now, so only a warning.
    static let unlisted = ["gpt-4o", "gpt-4o-mini", "gpt-3.5-turbo"]

    /// Dates (UTC calendar days, `YYYY-MM-DD`, compared as strings).
    public static let gpt3FineTuningEnded = "2024-10-28"
    public static let gpt3BaseShutdown = "2026-09-28"
    public static let gpt3FineTunesShutdown = "2026-10-23"
    public static let noNewOrganizations = "2026-05-07"
    public static let inactiveOrganizationsCutOff = "2026-07-02"
    public static let noNewJobs = "2027-01-06"

    public static let alternatives = """
    Alternatives: fine-tune \(defaultModel) (or another gpt-4.1 model) on a chat file \
    (`heartline dataset prepare --format chat`) before OpenAI stops new jobs on \(noNewJobs), or \
    fine-tune an open-weight model (Qwen, GLM, Llama) with TRL, LLaMA-Factory, Axolotl or Unsloth \
    and serve it with llama.cpp, Ollama or vLLM (docs/models.md).
    """

    /// The verdict for a model name: a base model, a dated snapshot or an `ft:` model.
    public static func verdict(for model: String) -> Verdict {
        let isFineTuned = model.hasPrefix("ft:")
        let base = isFineTuned ? String(model.dropFirst(3).prefix { $0 != ":" }) : model
        if ["babbage-002", "davinci-002"].contains(where: { matches(base, $0) }) {
            let what = isFineTuned
                ? "\(model) is a fine-tuned GPT-3 model: those were shut down on \(gpt3FineTunesShutdown)"
                : "\(base) cannot be fine-tuned: OpenAI ended new fine-tuning of babbage-002 and davinci-002 on \(gpt3FineTuningEnded), shut the base models down on \(gpt3BaseShutdown) and their fine-tuned models on \(gpt3FineTunesShutdown)"
            return .retired(reason: what + ".\n" + alternatives)
        }
        if ["ada", "babbage", "curie", "davinci"].contains(base) {
            return .retired(reason: "\(base) is a legacy GPT-3 model, shut down on 2024-01-04.\n" + alternatives)
        }
        if current.contains(where: { matches(base, $0) }) { return .current(layout: .chat) }
        if unlisted.contains(where: { matches(base, $0) }) {
            return .unlisted(layout: .chat, note: "\(base) is not in OpenAI's current list of models for supervised fine-tuning (the gpt-4.1 family); the service may refuse it.")
        }
        return .unlisted(layout: .chat, note: "\(model) is not a model Heartline knows; assuming the chat (`messages`) layout.")
    }

    /// The layout a model trains on, or nil for a retired one.
    public static func layout(for model: String) -> Layout? {
        switch verdict(for: model) {
        case .current(let layout), .unlisted(let layout, _): layout
        case .retired: nil
        }
    }

    /// The notice about OpenAI's own fine-tuning service for a given day (`YYYY-MM-DD`, UTC).
    /// From `noNewJobs` on it says that creating a job will fail.
    public static func serviceNotice(today: String) -> (text: String, closed: Bool) {
        if today >= noNewJobs {
            return ("OpenAI accepts no new fine-tuning jobs since \(noNewJobs). " + alternatives, true)
        }
        let text = """
        Notice: OpenAI's self-serve fine-tuning is closing. No new jobs from \(noNewJobs) (for \
        everyone); no new organisations since \(noNewOrganizations); organisations without recent \
        fine-tuned inference lost job creation on \(inactiveOrganizationsCutOff). Models already \
        trained keep working. For a path that stays open, see docs/models.md (open-weight models).
        """
        return (text, false)
    }

    /// True for OpenAI's own API (other OpenAI-compatible services have their own rules).
    public static func isOpenAI(baseURL: String) -> Bool {
        baseURL.lowercased().contains("api.openai.com")
    }

    /// `name` is `base` or a dated/variant snapshot of it (`base-2025-04-14`), but not a longer
    /// family member (`gpt-4.1` does not match `gpt-4.1-mini`, which is listed separately).
    static func matches(_ name: String, _ base: String) -> Bool {
        guard name.hasPrefix(base) else { return false }
        let rest = name.dropFirst(base.count)
        return rest.isEmpty || (rest.hasPrefix("-") && rest.dropFirst().first?.isNumber == true)
    }
}

extension TrainingFileReader {
    /// The layout of a training file, from its first example (nil for an empty file).
    public static func layout(path: String) throws(DatasetError) -> FineTuningTargets.Layout? {
        var reader = try TrainingFileReader(path: path)
        defer { reader.close() }
        guard let first = try reader.next() else { return nil }
        if case .chat = first.line { return .chat }
        return .promptCompletion
    }
}
