import ChatCore

/// Turns the tallies into findings, in the legacy tool's order and with its thresholds and
/// wording (C.9), followed by this project's checks.
extension TrainingFileChecker {
    func findings(_ t: Tally, insideSuffix: (prompt: LineList, completion: LineList), path: String, fileSize: Int) -> [CheckFinding] {
        var out: [CheckFinding] = []
        func add(_ id: CheckID, _ severity: Severity, _ message: String, _ lines: LineList? = nil, fix: FixAction = .none) {
            out.append(CheckFinding(id: id, severity: severity, message: message, lines: lines?.first ?? [], lineCount: lines?.count ?? 0, fix: fix))
        }
        func lines(_ id: CheckID) -> LineList? { t.lines[id].flatMap { $0.isEmpty ? nil : $0 } }
        let n = t.examples
        let isChat = t.chatLines.count > t.completionLines.count
        let format = options.format

        // 1 num_examples
        var countMessage = "Your file contains \(n) \(isChat ? "chat examples" : "prompt-completion pairs")."
        if n < options.minExamples {
            countMessage += " In general, we recommend having at least a few hundred examples. We've found that performance tends to linearly increase for every doubling of the number of examples."
        }
        add(.numExamples, n == 0 ? .error : .info, countMessage)

        if !isChat {
            // 2, 3 necessary_column
            for (id, key) in [(CheckID.missingPrompt, "prompt"), (.missingCompletion, "completion")] {
                if !t.miscasedKeys.filter({ $0.lowercased() == key }).isEmpty {
                    add(id, .warning, "The `\(key)` key is spelled `\(t.miscasedKeys.filter { $0.lowercased() == key }.sorted().joined(separator: "`, `"))`.", fix: .automatic("rename it to `\(key)`"))
                }
                if let l = lines(id) {
                    add(id, .error, "`\(key)` column/key is missing. Please make sure you name your columns/keys appropriately, then retry.", l, fix: .automatic("drop these lines"))
                }
            }
            // 4 additional_column
            if let l = lines(.additionalColumn) {
                add(.additionalColumn, .warning, "Your data contains extra keys besides `prompt` and `completion`: `\(t.extraKeys.sorted().joined(separator: "`, `"))`; fine-tuning ignores or rejects them.", l, fix: .automatic("keep only `prompt` and `completion`"))
            }
            // 5 non_empty_field
            if let l = lines(.emptyCompletion) {
                add(.emptyCompletion, .error, "\(l.count) completion(s) are empty or null.", l, fix: .automatic("drop these lines"))
            }
        }
        // Task type, as the legacy tool infers it.
        let openEnded = !isChat && t.totalPromptLength == 0
        let classification = !isChat && !openEnded && n > 0 && t.distinctCompletions.count < n / 3
        // 6 format_inferrer
        if classification {
            add(.formatInferrer, .info, "Based on your data it seems like you're trying to fine-tune a model for classification. For classification, we recommend you try one of the faster and cheaper models, and keeping a held out dataset (`heartline dataset split`) to estimate performance.")
        }
        // 7 duplicated_rows
        if let l = lines(.duplicatedRows) {
            add(.duplicatedRows, .warning, "There are \(l.count) duplicated \(isChat ? "examples" : "prompt-completion pairs").", l, fix: .automatic("drop the duplicates, keeping the first"))
        }
        // 8 long_examples
        if !openEnded, !t.longLines.isEmpty {
            add(.longExamples, .warning, "\(t.longLines.count) example(s) are longer than \(options.maxExampleCharacters) characters; examples shouldn't be longer than 2048 tokens (and must fit the model's context).", t.longLines, fix: .automatic("drop these lines"))
        }
        if !isChat, n > 0 {
            // 9, 10 lower_case
            if t.upper.prompt * 2 > t.lower.prompt, t.upper.prompt > 0 {
                add(.lowerCasePrompt, .warning, "More than a third of your `prompt` column/key is uppercase. Uppercase prompts tend to perform worse than a mixture of case encountered in normal language.", fix: .optIn(flag: "--lowercase", what: "lower-case all prompts"))
            }
            if t.upper.completion * 2 > t.lower.completion, t.upper.completion > 0 {
                add(.lowerCaseCompletion, .warning, "More than a third of your `completion` column/key is uppercase.", fix: .optIn(flag: "--lowercase", what: "lower-case all completions"))
            }
            if !openEnded { addPromptSuffix(t, insideSuffix.prompt, add) }
            // 12 common prompt prefix
            let prefix = t.promptPrefix.text
            if !prefix.isEmpty, !t.promptIdentical {
                if prefix.unicodeScalars.count > 12 {
                    add(.commonPromptPrefix, .warning, "All prompts start with prefix `\(Self.visible(prefix))`. Fine-tuning doesn't require the instruction specifying the task, or a few-shot example scenario.", fix: .optIn(flag: "--strip-prompt-prefix", what: "remove the prefix from all prompts"))
                } else {
                    add(.commonPromptPrefix, .info, "All prompts start with prefix `\(Self.visible(prefix))`.")
                }
            }
            // 13 common completion prefix
            let completionPrefix = t.completionPrefix.text
            if completionPrefix.unicodeScalars.count >= 5, !t.completionIdentical {
                add(.commonCompletionPrefix, .warning, "All completions start with prefix `\(Self.visible(completionPrefix))`. Most of the time you should only add the output data into the completion, without any prefix.", fix: .optIn(flag: "--strip-completion-prefix", what: "remove the prefix from all completions"))
            }
            if !openEnded, !classification { addCompletionSuffix(t, insideSuffix.completion, add) }
            // 15 completion_space_start
            if t.completionFirstCharacters.count > 1 || t.firstCompletionStartsWithSpace == false {
                add(.completionSpaceStart, .warning, "The completion should start with a whitespace character (` `). This tends to produce better results due to the tokenization we use.", fix: .automatic("prepend a space where it is missing"))
            }
        }
        addProjectChecks(t, isChat: isChat, path: path, fileSize: fileSize, add: add, lines: lines)
        return out
    }

    private func addPromptSuffix(_ t: Tally, _ inside: LineList, _ add: (CheckID, Severity, String, LineList?, FixAction) -> Void) {
        // 11 common prompt suffix (the separator)
        if t.promptIdentical, t.examples > 1 {
            add(.commonPromptSuffix, .error, "All prompts are identical: `\(Self.visible(t.firstPrompt ?? ""))`. Consider breaking apart the prompt and completion pairs.", nil, .none)
            return
        }
        let suffix = t.promptSuffix.text
        let separator = options.format.separator
        if suffix.isEmpty {
            add(.commonPromptSuffix, .warning, "Your data does not contain a common separator at the end of your prompts. Having a separator string appended to the end of the prompt makes it clearer to the fine-tuned model where the completion should begin. This project's separator is `\(Self.visible(separator))`\(legacySuggestion(t)).", nil, .automatic("append `\(Self.visible(separator))` to every prompt"))
            return
        }
        var message = "All prompts end with suffix `\(Self.visible(suffix))`."
        var severity = Severity.info
        if suffix.unicodeScalars.count > 10 {
            message += " This suffix seems very long. Consider replacing with a shorter suffix, such as `\(Self.visible(separator))`."
            severity = .warning
        }
        let repeated = suffix == separator ? (t.lines[.separatorInside] ?? LineList()) : inside
        if !repeated.isEmpty {
            message += " WARNING: Some of your prompts contain the suffix `\(Self.visible(suffix))` more than once. We strongly suggest that you review your prompts and add a unique suffix."
            severity = .warning
        }
        add(.commonPromptSuffix, severity, message, repeated.isEmpty ? nil : repeated, .none)
    }

    private func legacySuggestion(_ t: Tally) -> String {
        for (i, candidate) in Self.separatorCandidates.enumerated() {
            if candidate == " ->", t.anyPromptHasNewline { continue }
            if !t.separatorCandidatesPresent[i] { return " (the legacy tool would suggest `\(Self.visible(candidate))`)" }
        }
        return " (the legacy tool would suggest `\(Self.visible(Self.separatorFallback))`)"
    }

    private func addCompletionSuffix(_ t: Tally, _ inside: LineList, _ add: (CheckID, Severity, String, LineList?, FixAction) -> Void) {
        // 14 common completion suffix (the stop sequence)
        if t.completionIdentical, t.examples > 1 {
            add(.commonCompletionSuffix, .error, "All completions are identical: `\(Self.visible(t.firstCompletion ?? ""))`. Ensure completions are different, otherwise the model will just repeat it.", nil, .none)
            return
        }
        let suffix = t.completionSuffix.text
        let stop = options.format.stopSequence
        if suffix.isEmpty {
            var legacy = Self.endingFallback
            for (i, candidate) in Self.endingCandidates.enumerated() where !t.endingCandidatesPresent[i] {
                legacy = candidate
                break
            }
            add(.commonCompletionSuffix, .warning, "Your data does not contain a common ending at the end of your completions. Having a common ending string appended to the end of the completion makes it clearer to the fine-tuned model where the completion should end. This project's stop sequence is `\(Self.visible(stop))` (the legacy tool would suggest `\(Self.visible(legacy))`).", nil, .automatic("append `\(Self.visible(stop))` to every completion"))
            return
        }
        var message = "All completions end with suffix `\(Self.visible(suffix))`."
        var severity = Severity.info
        if suffix.unicodeScalars.count > 10 {
            message += " This suffix seems very long. Consider replacing with a shorter suffix, such as `\(Self.visible(stop))`."
            severity = .warning
        }
        let repeated = suffix == stop ? (t.lines[.stopInside] ?? LineList()) : inside
        if !repeated.isEmpty {
            message += " WARNING: Some of your completions contain the suffix `\(Self.visible(suffix))` more than once. We suggest that you review your completions and add a unique ending."
            severity = .warning
        }
        add(.commonCompletionSuffix, severity, message, repeated.isEmpty ? nil : repeated, .none)
    }

    private func addProjectChecks(
        _ t: Tally, isChat: Bool, path: String, fileSize: Int,
        add: (CheckID, Severity, String, LineList?, FixAction) -> Void, lines: (CheckID) -> LineList?
    ) {
        let format = options.format
        if fileSize > options.maxFileBytes {
            add(.fileSize, .error, "The file is \(fileSize) bytes; OpenAI accepts at most \(options.maxFileBytes) per file. Sample it down with `heartline dataset estimate --max-bytes …`.", nil, .none)
        }
        if !path.lowercased().hasSuffix(".jsonl") {
            add(.fileExtension, .warning, "Fine-tuning accepts `.jsonl` files only; name the file `….jsonl` before uploading.", nil, .none)
        }
        if t.bom { add(.byteOrderMark, .error, "The file starts with a UTF-8 byte-order mark; training files must not have one.", nil, .automatic("remove it")) }
        if let l = lines(.invalidUTF8) { add(.invalidUTF8, .error, "\(l.count) line(s) are not valid UTF-8.", l, .automatic("drop these lines")) }
        if let l = lines(.lineEndings) { add(.lineEndings, .warning, "\(l.count) line(s) end with `\\r\\n` or contain a bare `\\r`; lines must end with `\\n`.", l, .automatic("use `\\n` line ends")) }
        if t.missingFinalNewline { add(.finalNewline, .info, "The last line has no final `\\n`.", nil, .automatic("add it")) }
        if let l = lines(.blankLines) { add(.blankLines, .warning, "\(l.count) blank line(s).", l, .automatic("remove them")) }
        if t.firstLineIsArray {
            add(.jsonArrayFile, .error, "The file looks like one JSON array, not JSON lines. Convert it with `heartline dataset prepare --jsonl FILE -o out.jsonl` (which reads JSON arrays too).", nil, .none)
        }
        if let l = lines(.notJSONObject) { add(.notJSONObject, .error, "\(l.count) line(s) are not exactly one JSON object.", l, .automatic("drop these lines")) }
        if let l = lines(.fieldTypes) { add(.fieldTypes, .error, "`prompt` and `completion` must be strings.", l, .automatic("drop these lines")) }
        if t.chatLines.count > 0, t.completionLines.count > 0 {
            let minority = t.chatLines.count > t.completionLines.count ? t.completionLines : t.chatLines
            add(.mixedFormats, .error, "The file mixes prompt/completion lines and chat `messages` lines.", minority, .automatic("drop the lines of the less common format"))
        }
        if let l = lines(.chatFormat) { add(.chatFormat, .error, "\(l.count) chat line(s) are not valid `messages` examples (roles, string contents, an assistant message, weight 0/1).", l, .automatic("drop these lines")) }
        if let l = lines(.unicodeEscapes) { add(.unicodeEscapes, .error, "\(l.count) line(s) contain literal `\\uXXXX` text; a model trained on it learns to print escapes.", l, .automatic("decode the escapes")) }
        if let l = lines(.escapedNonASCII) { add(.escapedNonASCII, .warning, "\(l.count) line(s) write non-ASCII characters as `\\uXXXX` JSON escapes (valid, but 2× larger; real UTF-8 is expected).", l, .automatic("rewrite as UTF-8")) }
        if !isChat {
            if let l = lines(.missingSeparator) { add(.missingSeparator, .error, "\(l.count) prompt(s) do not end with the separator `\(Self.visible(format.separator))`; serving appends it, so training must too.", l, .automatic("append the separator")) }
            if let l = lines(.separatorInside) { add(.separatorInside, .warning, "\(l.count) prompt(s) contain the separator before their end.", l, .automatic("replace the inner occurrence with a space")) }
            if let l = lines(.missingLeadingSpace) { add(.missingLeadingSpace, .error, "\(l.count) completion(s) do not start with `\(Self.visible(format.completionPrefix))`.", l, .automatic("prepend it")) }
            if let l = lines(.missingStop) { add(.missingStop, .error, "\(l.count) completion(s) do not end with the stop sequence `\(Self.visible(format.stopSequence))`; the model would not learn where to stop.", l, .automatic("append the stop sequence")) }
            if let l = lines(.stopInside) { add(.stopInside, .warning, "\(l.count) completion(s) contain the stop sequence before their end; the model would stop early there.", l, .automatic("replace the inner occurrence with a space")) }
        }
        if let l = lines(.emptyPrompt) { add(.emptyPrompt, .error, "\(l.count) example(s) have an empty question.", l, .automatic("drop these lines")) }
        if let l = lines(.emptyAnswer) { add(.emptyAnswer, .error, "\(l.count) example(s) have an empty answer.", l, .automatic("drop these lines")) }
        if let l = lines(.crisisCompletion) { add(.crisisCompletion, .error, "\(l.count) answer(s) touch crisis topics (suicide, self-harm, harm to others). Crisis replies come from the safety layer, never from a model trained on forum answers.", l, .automatic("drop these lines")) }
        if let l = lines(.crisisPrompt) { add(.crisisPrompt, .warning, "\(l.count) question(s) touch crisis topics; the safety layer answers such messages before the model.", l, .automatic("drop these lines")) }
    }

    /// Control characters made visible for messages (`\n` shown as `\n`).
    static func visible(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(80) {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return text.unicodeScalars.count > 80 ? out + "…" : out
    }
}
