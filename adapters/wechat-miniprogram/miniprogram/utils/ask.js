// Asking one question until it ends in the answer or in a failure the page shows with a retry
// button — never in a bubble that waits forever.
//
// - Every request carries the question's idempotency key, so retries and follow-ups can never
//   get a question answered twice.
// - The request timeout follows the server's budget (`budgetMs` from login and every answer) plus
//   a network margin, so the page never gives up while the server is still within its budget.
// - `pending: true` (the server's calm fallback) is asked again after `retryAfterMs` with the same
//   key until the real answer comes or `pendingDeadlineMs` passes (then `pending_timeout`).
// - A timeout is retried once with the same key; a 401 logs in once more; Retry-After waits up to
//   `autoRetryAfterMaxMs` are waited, longer ones are returned for the retry button.
// - 'interrupted' (app in the background) and 'offline' are returned as such: the page resumes
//   in onShow or when the network returns.
const { failure, failureOfResponse, failureOfRequest, TRANSIENT } = require('./messages.js')

function createAsker(deps) {
  const session = deps.session
  const requester = deps.requester
  const config = deps.config
  const now = deps.now || Date.now
  const sleep = deps.sleep || ((ms) => new Promise((resolve) => setTimeout(resolve, ms)))

  // Resolves with the final answer {answer, tier, resources?, …}; `onPending(result)` sees each
  // interim fallback; `onDraft(textSoFar)`, with `config.streaming`, the checked sentences of a
  // streamed answer as they pass (POST /ask/stream). Rejects with {code, message, retryAfterMs}.
  async function ask(question, key, onPending, onDraft) {
    const deadline = now() + config.pendingDeadlineMs
    let loggedInAgain = false
    let timeoutRetried = false
    let autoWaits = 0
    for (;;) {
      const token = await session.ensure()
      let res
      const body = { question: question, idempotencyKey: key }
      const options = { header: { Authorization: 'Bearer ' + token }, timeout: session.budgetMs() + config.networkMarginMs }
      try {
        res = config.streaming && onDraft && requester.postChunked
          ? await requester.postChunked('/ask/stream', body, options, draftsTo(onDraft))
          : await requester.post('/ask', body, options)
      } catch (err) {
        if (err && err.kind === 'timeout' && !timeoutRetried && now() < deadline) {
          timeoutRetried = true
          continue
        }
        throw failureOfRequest(err)
      }
      if (res.statusCode === 200 && res.data) {
        if (res.data.budgetMs) session.setBudget(res.data.budgetMs)
        if (!res.data.pending) return res.data
        if (onPending) onPending(res.data)
        const wait = Math.max(500, res.data.retryAfterMs || 2000)
        if (now() + wait >= deadline) throw failure('pending_timeout')
        await sleep(wait)
        continue
      }
      if (res.statusCode === 401 && !loggedInAgain) {
        loggedInAgain = true
        session.invalidate()
        continue
      }
      const f = failureOfResponse(res)
      const wait = f.retryAfterMs
      if (TRANSIENT.indexOf(f.code) >= 0 && wait > 0 && wait <= config.autoRetryAfterMaxMs && autoWaits < 3 && now() + wait < deadline) {
        autoWaits += 1
        await sleep(wait)
        continue
      }
      throw f
    }
  }

  // Adds up the deltas of one streamed answer for `onDraft`.
  function draftsTo(onDraft) {
    let text = ''
    return (line) => {
      if (line && line.type === 'delta' && typeof line.text === 'string') {
        text += line.text
        onDraft(text)
      }
    }
  }

  // "Delete my data": the server forgets the user (POST /forget); the caller clears local history.
  async function forget() {
    for (let attempt = 0; ; attempt++) {
      const token = await session.ensure()
      let res
      try {
        res = await requester.post('/forget', {}, { header: { Authorization: 'Bearer ' + token }, timeout: session.budgetMs() + config.networkMarginMs })
      } catch (err) {
        throw failureOfRequest(err)
      }
      if (res.statusCode === 200 && res.data && res.data.forgotten) return res.data
      if (res.statusCode === 401 && attempt === 0) {
        session.invalidate()
        continue
      }
      throw failureOfResponse(res)
    }
  }

  return { ask: ask, forget: forget }
}

function newIdempotencyKey() {
  return 'q-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10)
}

module.exports = { createAsker: createAsker, newIdempotencyKey: newIdempotencyKey }
