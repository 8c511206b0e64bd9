const test = require('node:test')
const assert = require('node:assert/strict')
const { setup, answer } = require('./harness.js')
const { createCounsellorPoller, opensHandoff, STORAGE_KEY } = require('../miniprogram/utils/counsellor.js')
const { createConversation } = require('../miniprogram/utils/conversation.js')

// Timers the test fires by hand: the page polls every 10 s, the test decides when 10 s passed.
function fakeTimers() {
  const pending = new Map()
  let next = 1
  return {
    setTimer: (fn, ms) => { const id = next++; pending.set(id, { fn: fn, ms: ms }); return id },
    clearTimer: (id) => { pending.delete(id) },
    count: () => pending.size,
    delays: () => Array.from(pending.values()).map((t) => t.ms),
    fire: () => { const all = Array.from(pending.values()); pending.clear(); all.forEach((t) => t.fn()) }
  }
}

// A server with a handoff the test scripts: `handoff.status`, `handoff.messages`.
function handoffServer(handoff, asks) {
  return {
    '/ask': (r) => asks(r),
    '/messages': (r) => {
      const after = decodeURIComponent((r.path.split('after=')[1] || ''))
      const index = handoff.messages.findIndex((m) => m.id === after)
      return { statusCode: 200, data: { messages: handoff.messages.slice(index + 1), handoff: handoff.status } }
    }
  }
}

const polls = (s) => s.control.state.requests.filter((r) => r.path.indexOf('/messages') >= 0)

test('which answers start the poll: held for a counsellor, the holding message, a crisis reply', () => {
  assert.equal(opensHandoff({ source: 'handoff', tier: 'none', answer: '' }), true)
  assert.equal(opensHandoff({ source: 'crisis', tier: 'crisis' }), true)
  assert.equal(opensHandoff({ source: 'model', tier: 'none' }), false)
  assert.equal(opensHandoff(null), false)
})

test('after a crisis answer the page polls every 10 s while shown, shows the counsellor by name, and stops when closed', async () => {
  const handoff = { status: 'open', messages: [] }
  const timers = fakeTimers()
  const s = setup({ routes: handoffServer(handoff, () => answer('危机回复', { tier: 'crisis', source: 'crisis' })) })
  let poller
  const c = setupConversation(s, timers, (p) => { poller = p })
  poller.show()
  c.send('我不想活了')
  await c.settled()
  await poller.settled()
  assert.equal(polls(s).length, 1, 'the crisis answer started the poll')
  assert.equal(polls(s)[0].method, 'GET')
  assert.equal(polls(s)[0].header.Authorization, 'Bearer v2.token-code-1')
  assert.deepEqual(timers.delays(), [10000])

  handoff.messages.push({ id: 'm-1', from: 'counsellor', text: '你好，我在这里陪你。', at: '2026-12-07T18:00:00.000Z', counsellor: '王老师' })
  timers.fire()
  await poller.settled()
  const shown = c.messages().filter((m) => m.kind === 'counsellor')
  assert.equal(shown.length, 1)
  assert.equal(shown[0].text, '你好，我在这里陪你。')
  assert.equal(shown[0].counsellor, '王老师')
  assert.equal(poller.cursor(), 'm-1')

  // The next poll asks only for what is new; nothing is shown twice.
  timers.fire()
  await poller.settled()
  assert.match(polls(s)[2].path, /\?after=m-1$/)
  assert.equal(c.messages().filter((m) => m.kind).length, 1)

  handoff.status = 'closed'
  handoff.messages.push({ id: 'notice-1', from: 'bot', text: '咨询师已结束这次对话。', at: '2026-12-07T18:05:00.000Z' })
  timers.fire()
  await poller.settled()
  assert.equal(c.messages()[c.messages().length - 1].kind, 'notice')
  assert.equal(poller.isActive(), false)
  assert.equal(timers.count(), 0, 'no more polls once closed')
})

test('an ordinary answer starts nothing; hidden, the page does not poll; onShow resumes at once', async () => {
  const handoff = { status: 'open', messages: [] }
  const timers = fakeTimers()
  const s = setup({ routes: handoffServer(handoff, (r) => (r.data.question === '转人工' ? answer('', { source: 'handoff' }) : answer('普通回答'))) })
  let poller
  const c = setupConversation(s, timers, (p) => { poller = p })
  poller.show()
  c.send('最近睡不好')
  await c.settled()
  assert.equal(polls(s).length, 0)

  c.send('转人工')
  await c.settled()
  await poller.settled()
  assert.equal(polls(s).length, 1)
  poller.hide()
  assert.equal(timers.count(), 0, 'hidden: nothing scheduled')

  // A relaunch: the state was kept, and onShow polls at once.
  const again = createCounsellorPoller({ wx: s.wx, session: s.session, requester: s.requester, setTimer: timers.setTimer, clearTimer: timers.clearTimer })
  assert.equal(again.isActive(), true)
  handoff.messages.push({ id: 'm-9', from: 'counsellor', text: '我在', counsellor: '李老师' })
  await again.show()
  assert.equal(polls(s).length, 2)
  assert.equal(again.cursor(), 'm-9')
  assert.equal(timers.count(), 1)
})

test('a failed poll is quiet and retried on the next tick; null stops it; reset forgets the state', async () => {
  let down = true
  const timers = fakeTimers()
  const s = setup({ routes: { '/messages': () => (down ? { statusCode: 503, data: { error: { code: 'store_unavailable' } } } : { statusCode: 200, data: { messages: [], handoff: null } }) } })
  const poller = createCounsellorPoller({ wx: s.wx, session: s.session, requester: s.requester, setTimer: timers.setTimer, clearTimer: timers.clearTimer })
  poller.show()
  await poller.start()
  assert.equal(poller.isActive(), true)
  assert.equal(timers.count(), 1)
  down = false
  timers.fire()
  await poller.settled()
  assert.equal(poller.isActive(), false)
  assert.equal(timers.count(), 0)
  poller.reset()
  assert.equal(s.wx.getStorageSync(STORAGE_KEY), '')
})

// The page's wiring (pages/index/index.js): a handoff or crisis answer starts the poll, and the
// poll's messages go into the conversation.
function setupConversation(s, timers, keep) {
  let poller
  let keys = 0
  const c = createConversation({
    wx: s.wx, asker: s.asker, network: s.network, now: s.clock.now, newKey: () => 'q-t-' + (++keys),
    onAnswer: (result) => { if (opensHandoff(result)) poller.start() }
  })
  poller = createCounsellorPoller({
    wx: s.wx, session: s.session, requester: s.requester, setTimer: timers.setTimer, clearTimer: timers.clearTimer,
    onMessages: (list) => c.receive(list)
  })
  keep(poller)
  return c
}

test('counsellor messages are kept in the history across a relaunch, each once', () => {
  const s = setup({})
  const first = createConversation({ wx: s.wx, asker: s.asker, network: s.network })
  const message = { id: 'm-1', from: 'counsellor', text: '我在', at: '2026-12-07T18:00:00.000Z', counsellor: '王老师' }
  assert.equal(first.receive([message, { id: 'notice-2', from: 'bot', text: '咨询师已结束这次对话。' }]), 2)
  const relaunched = createConversation({ wx: s.wx, asker: s.asker, network: s.network })
  assert.deepEqual(relaunched.messages().map((m) => [m.kind, m.text, m.counsellor]), [['counsellor', '我在', '王老师'], ['notice', '咨询师已结束这次对话。', '']])
  assert.equal(relaunched.receive([message]), 0, 'an id already shown is not shown again')
})
