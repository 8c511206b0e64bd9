// The page's conversation as plain data, so it can be tested without WeChat: each question has
// its own state, and every state ends in the answer or a retry button.
//
//   waiting     sent, no reply yet
//   pending     the server's calm fallback is shown; asking again with the same key until the
//               real answer comes (asker's deadline)
//   answered    done
//   error       shown with a retry button (disabled until `retryAt` when the server said when)
//   offline     no network: resumed by itself when the network returns (retry button too)
//   interrupted the app went to the background mid-request: resumed in onShow
//   received    a counsellor's message or a handoff notice (`kind`), from utils/counsellor.js
const { cardFor } = require('./crisis.js')
const { newIdempotencyKey } = require('./ask.js')
const { createTypewriter } = require('./typewriter.js')
const history = require('./history.js')

const RESUMABLE = ['waiting', 'pending', 'interrupted']

function createConversation(deps) {
  const wx = deps.wx
  const asker = deps.asker
  const network = deps.network
  const render = deps.render || (() => {})
  const now = deps.now || Date.now
  const newKey = deps.newKey || newIdempotencyKey
  // Told of every final answer (the page starts the counsellor poll after a handoff or crisis one).
  const onAnswer = deps.onAnswer || (() => {})
  let messages = history.load(wx).map(withCard)
  const inFlight = {}

  network.onChange((connected) => {
    if (connected) resume(['offline'])
  })

  function withCard(message) {
    return Object.assign({}, message, { card: message.status === 'answered' ? cardFor(message) : null })
  }

  function update(id, changes) {
    messages = messages.map((m) => (m.id === id ? withCard(Object.assign({}, m, changes)) : m))
    history.save(wx, messages)
    render(messages, id)
  }

  function find(id) {
    return messages.find((m) => m.id === id)
  }

  // Sends a new question; returns its id (or null for an empty one).
  function send(text) {
    const question = String(text || '').trim()
    if (!question) return null
    const id = newKey()
    messages = messages.concat([{ id: id, question: question, status: 'waiting', card: null }])
    history.save(wx, messages)
    render(messages, id)
    run(id)
    return id
  }

  // The retry button: the same key, so the question is never answered twice.
  function retry(id) {
    const message = find(id)
    if (!message || inFlight[id] || message.status === 'answered') return false
    if (message.retryAt && now() < message.retryAt) return false
    update(id, { status: 'waiting', error: '', errorCode: '', retryAt: 0 })
    run(id)
    return true
  }

  // onShow and network recovery: continue every question left waiting, pending or interrupted.
  function resume(statuses) {
    const which = statuses || RESUMABLE
    messages.filter((m) => which.indexOf(m.status) >= 0 && !inFlight[m.id]).forEach((m) => {
      if (m.status !== 'pending') update(m.id, { status: 'waiting', error: '' })
      run(m.id)
    })
  }

  function run(id) {
    const message = find(id)
    if (!message) return Promise.resolve()
    if (inFlight[id]) return inFlight[id]
    const onPending = (result) => update(id, Object.assign(answerFields(result), { status: 'pending' }))
    const writer = createTypewriter({ render: (text) => showDraft(id, text), schedule: deps.schedule, cancel: deps.cancel })
    const done = asker.ask(message.question, id, onPending, writer.show).then(
      (result) => {
        writer.stop()
        update(id, Object.assign(answerFields(result), { status: 'answered', error: '', errorCode: '', draft: '' }))
        onAnswer(result)
      },
      (failure) => {
        writer.stop()
        const code = (failure && failure.code) || 'default'
        const status = code === 'offline' ? 'offline' : code === 'interrupted' ? 'interrupted' : 'error'
        const retryAfterMs = (failure && failure.retryAfterMs) || 0
        update(id, { status: status, error: failure && failure.message, errorCode: code, retryAt: retryAfterMs ? now() + retryAfterMs : 0, draft: '' })
      }
    )
    inFlight[id] = done.then(() => { delete inFlight[id] })
    return inFlight[id]
  }

  // A streamed answer as it is typed: drawn, not saved (history keeps only final answers).
  function showDraft(id, text) {
    messages = messages.map((m) => (m.id === id && m.status === 'waiting' ? Object.assign({}, m, { draft: text }) : m))
    render(messages, id)
  }

  function answerFields(result) {
    return {
      answer: result.answer,
      tier: result.tier,
      source: result.source || '',
      resources: result.resources || [],
      resourceLine: result.resourceLine || '',
      disclaimer: result.disclaimer || '',
      hotline: result.hotline || '',
      // What a 👍/👎 refers to (utils/feedback.js); absent on crisis replies.
      replyId: result.replyId || ''
    }
  }

  // A counsellor's messages and the handoff notices from the poll, each shown once (by id).
  function receive(list) {
    const fresh = (list || []).filter((m) => m && typeof m.text === 'string' && !find('c-' + m.id))
    if (!fresh.length) return 0
    messages = messages.concat(fresh.map((m) => ({
      id: 'c-' + m.id, question: '', status: 'received', card: null, text: m.text, at: m.at || '',
      kind: m.from === 'counsellor' ? 'counsellor' : 'notice', counsellor: m.from === 'counsellor' ? String(m.counsellor || '') : ''
    })))
    history.save(wx, messages)
    render(messages, messages[messages.length - 1].id)
    return fresh.length
  }

  // "Delete my data": the server first; the local history only once the server confirmed.
  function forget() {
    return asker.forget().then((result) => {
      messages = []
      history.clear(wx)
      render(messages, null)
      return result
    })
  }

  return {
    send: send, retry: retry, resume: resume, forget: forget, receive: receive,
    messages: () => messages, isBusy: (id) => !!inFlight[id],
    // Resolves when every question in flight has ended (tests, and the page before unloading).
    settled: () => Promise.all(Object.keys(inFlight).map((id) => inFlight[id]))
  }
}

module.exports = { createConversation: createConversation }
