const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('path')
const { setup, answer, root } = require('./harness.js')
const { createLineReader } = require(path.join(root, 'utils/stream.js'))
const { createTypewriter } = require(path.join(root, 'utils/typewriter.js'))
const { createConversation } = require(path.join(root, 'utils/conversation.js'))

// The server's lines: ASCII JSON, non-ASCII escaped as \uXXXX (MiniProgramRoutes+AskStream.swift).
function line(object) {
  return JSON.stringify(object).replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) + '\n'
}

function reply(text, extra) {
  return answer(text, extra).data
}

// Cuts the body into chunks of `size` bytes: lines, and \u escapes, are cut anywhere.
function chunked(body, size) {
  const chunks = []
  for (let i = 0; i < body.length; i += size) chunks.push(body.slice(i, i + size))
  return chunks
}

test('the line reader reassembles lines cut anywhere and skips broken ones', () => {
  const body = line({ type: 'delta', text: '你好，' }) + 'not json\n' + line({ type: 'final', reply: { answer: '你好，我在。🌱' } })
  for (let size = 1; size <= body.length; size++) {
    const reader = createLineReader()
    const objects = []
    chunked(body, size).forEach((c) => objects.push(...reader.feed(Uint8Array.from(c, (x) => x.charCodeAt(0)).buffer)))
    assert.deepEqual(objects.map((o) => o.type), ['delta', 'final'], 'chunk size ' + size)
    assert.equal(objects[1].reply.answer, '你好，我在。🌱')
  }
})

test('with streaming on, the page asks /ask/stream and sees each checked sentence as it passes', async () => {
  const body = line({ type: 'delta', text: '先试试固定起床时间。' }) + line({ type: 'delta', text: '睡前少看手机。' }) +
    line({ type: 'final', reply: reply('先试试固定起床时间。睡前少看手机。') })
  const s = setup({ config: { streaming: true }, routes: { '/ask/stream': () => ({ statusCode: 200, chunks: chunked(body, 7) }) } })
  const drafts = []
  const result = await s.asker.ask('失眠怎么办', 'q-s1', null, (text) => drafts.push(text))
  assert.equal(result.answer, '先试试固定起床时间。睡前少看手机。')
  assert.deepEqual(drafts, ['先试试固定起床时间。', '先试试固定起床时间。睡前少看手机。'])
  const request = s.control.state.requests.find((r) => r.path.endsWith('/ask/stream'))
  assert.equal(request.data.idempotencyKey, 'q-s1')
})

test('streaming off (the default) keeps the plain /ask', async () => {
  const s = setup({ routes: { '/ask': () => answer('整段回答') } })
  const drafts = []
  assert.equal((await s.asker.ask('问题', 'q-s2', null, (t) => drafts.push(t))).answer, '整段回答')
  assert.deepEqual(drafts, [])
})

test('a stream cut before its final line is retried with the same key; errors keep their codes', async () => {
  const cut = line({ type: 'delta', text: '第一句。' })
  const full = line({ type: 'final', reply: reply('完整回答。') })
  const s = setup({
    config: { streaming: true },
    routes: { '/ask/stream': (r, n) => (n === 1 ? { statusCode: 200, chunks: [cut] } : { statusCode: 200, chunks: [full] }) }
  })
  // A cut stream is a 'network' failure: the conversation shows a retry button (same key).
  await assert.rejects(s.asker.ask('问题', 'q-s3', null, () => {}), (f) => f.code === 'network')
  assert.equal((await s.asker.ask('问题', 'q-s3', null, () => {})).answer, '完整回答。')

  const busy = setup({
    config: { streaming: true },
    routes: { '/ask/stream': () => ({ statusCode: 409, chunks: [JSON.stringify({ error: { code: 'already_answered', message: 'x' } })] }) }
  })
  await assert.rejects(busy.asker.ask('问题', 'q-s4', null, () => {}), (f) => f.code === 'already_answered')
  const late = setup({
    config: { streaming: true },
    routes: { '/ask/stream': () => ({ statusCode: 200, chunks: [line({ type: 'error', code: 'already_answered', message: 'x' })] }) }
  })
  await assert.rejects(late.asker.ask('问题', 'q-s5', null, () => {}), (f) => f.code === 'already_answered')
})

test('the typewriter reveals only what arrived, whole characters at a time, and stops at once', () => {
  const ticks = []
  const shown = []
  const writer = createTypewriter({ render: (t) => shown.push(t), schedule: (fn) => ticks.push(fn), cancel: () => {}, charsPerTick: 2 })
  writer.show('你好🌱。')
  while (ticks.length) ticks.shift()()
  assert.deepEqual(shown, ['你好', '你好🌱', '你好🌱。'])
  writer.show('你好🌱。再见。')
  assert.equal(writer.shownText(), '你好🌱。再见', 'the next characters at once, the rest on later ticks')
  writer.stop()
  while (ticks.length) ticks.shift()()
  assert.equal(shown[shown.length - 1], '你好🌱。再见')
})

test('the conversation types the draft, then the final reply replaces it (a failed sentence included)', async () => {
  // The server drafted a sentence, then a later one failed its output check: the final reply is
  // the safe one and replaces the draft.
  const body = line({ type: 'delta', text: '第一句很安全。' }) + line({ type: 'final', reply: reply('安全的替代回答。', { source: 'outputReplaced' }) })
  const s = setup({ config: { streaming: true }, routes: { '/ask/stream': () => ({ statusCode: 200, chunks: chunked(body, 5) }) } })
  const conversation = createConversation({
    wx: s.wx, asker: s.asker, network: s.network, now: s.clock.now, newKey: () => 'q-s6',
    schedule: (fn) => setImmediate(fn), cancel: () => {},
    render: (messages, id) => s.renders.push(messages.find((m) => m.id === id))
  })
  conversation.send('失眠怎么办')
  await conversation.settled()
  const drafts = s.renders.map((m) => m && m.draft).filter(Boolean)
  assert.ok(drafts.length > 0 && drafts.every((d) => '第一句很安全。'.startsWith(d)))
  const last = conversation.messages()[0]
  assert.equal(last.status, 'answered')
  assert.equal(last.answer, '安全的替代回答。')
  assert.equal(last.draft, '')
  assert.ok(!JSON.stringify(s.wx.getStorageSync('heartline.history.v1') || '').includes('第一句很安全'))
})
