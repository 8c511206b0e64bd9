const test = require('node:test')
const assert = require('node:assert/strict')
const { setup, answer } = require('./harness.js')
const { flush } = require('./wx-stub.js')
const history = require('../miniprogram/utils/history.js')

const status = (c) => c.messages().map((m) => m.status)

test('each question has its own state: a failed one does not block another', async () => {
  const s = setup({
    routes: { '/ask': (r) => (r.data.question === '坏' ? { statusCode: 500, data: {} } : answer('回答：' + r.data.question)) }
  })
  const c = s.conversation()
  c.send('坏')
  c.send('好')
  await c.settled()
  assert.deepEqual(status(c), ['error', 'answered'])
  assert.match(c.messages()[0].error, /服务器/)
})

test('a failed follow-up ends in an error with a retry, never in a bubble that waits forever', async () => {
  let down = false
  const s = setup({
    routes: { '/ask': (r, n) => (down ? { statusCode: 503, data: { error: { code: 'store_unavailable' } } } : (n === 1 ? answer('稍等', { pending: true, retryAfterMs: 2000 }) : answer('x'))) }
  })
  const c = s.conversation()
  const server = s.control.state.server
  s.control.setServer((r) => {
    const reply = server(r)
    if (r.path.endsWith('/ask')) down = true  // every follow-up after the first fails
    return reply
  })
  c.send('问题')
  await c.settled()
  const message = c.messages()[0]
  assert.equal(message.status, 'error')
  assert.equal(message.errorCode, 'store_unavailable')
  // The retry uses the same key, and succeeds once the server is back.
  down = false
  s.control.setServer((r) => (r.path.endsWith('/ask') ? answer('终于到了') : server(r)))
  assert.equal(c.retry(message.id), true)
  await c.settled()
  assert.equal(c.messages()[0].status, 'answered')
  assert.equal(c.messages()[0].answer, '终于到了')
  const keys = s.control.state.requests.filter((r) => r.path.endsWith('/ask')).map((r) => r.data.idempotencyKey)
  assert.ok(keys.every((k) => k === message.id))
})

test('an answer interrupted by the background is resumed in onShow', async () => {
  let interrupted = true
  const s = setup({ routes: { '/ask': () => (interrupted ? { fail: 'request:fail interrupted' } : answer('回来后的回答')) } })
  const c = s.conversation()
  c.send('问题')
  await c.settled()
  assert.deepEqual(status(c), ['interrupted'])
  interrupted = false
  c.resume() // what onShow does
  await c.settled()
  assert.deepEqual(status(c), ['answered'])
})

test('offline questions are sent again by themselves when the network returns', async () => {
  const s = setup({ routes: { '/ask': () => answer('网络恢复后的回答') } })
  const c = s.conversation()
  await s.session.ensure()
  s.control.setNetwork('none')
  c.send('问题')
  await c.settled()
  assert.deepEqual(status(c), ['offline'])
  s.control.setNetwork('wifi')
  await flush()
  await c.settled()
  assert.deepEqual(status(c), ['answered'])
})

test('the retry button waits for Retry-After', async () => {
  const s = setup({ routes: { '/ask': (r, n) => (n === 1 ? { statusCode: 429, data: { error: { code: 'rate_limited' } }, header: { 'Retry-After': '30' } } : answer('好')) } })
  const c = s.conversation()
  const id = c.send('问题')
  await c.settled()
  assert.equal(c.retry(id), false, 'too early')
  s.clock.advance(30000)
  assert.equal(c.retry(id), true)
  await c.settled()
  assert.deepEqual(status(c), ['answered'])
})

test('history survives a relaunch, and a question left waiting is resumed', async () => {
  let hold = true
  const s = setup({ routes: { '/ask': () => (hold ? { fail: 'request:fail interrupted' } : answer('回答')) } })
  const c = s.conversation()
  c.send('第一个')
  await c.settled()
  hold = false
  c.send('第二个')
  await c.settled()
  // The page closed with the first one interrupted; a new launch reads the history.
  const relaunched = setup({ existing: s.built })
  const d = relaunched.conversation()
  assert.deepEqual(d.messages().map((m) => m.question), ['第一个', '第二个'])
  d.resume()
  await d.settled()
  assert.deepEqual(status(d), ['answered', 'answered'])
  assert.ok(history.load(s.wx).length === 2)
})

test('crisis answers carry a tap-to-call card; delete my data clears history after the server confirms', async () => {
  const resources = [{ name: '全国心理援助热线', number: '12356' }, { name: '希望24热线', number: '400-161-9995' }]
  let forgetOK = false
  const s = setup({
    routes: {
      '/ask': () => answer('我很在意你的安全……', { tier: 'crisis', source: 'crisis', resources: resources }),
      '/forget': () => (forgetOK ? { statusCode: 200, data: { forgotten: true, message: '已删除' } } : { statusCode: 503, data: { error: { code: 'forget_failed' } } })
    }
  })
  const c = s.conversation()
  c.send('我不想活了')
  await c.settled()
  const card = c.messages()[0].card
  assert.equal(card.style, 'crisis')
  assert.deepEqual(card.numbers.map((n) => n.number), ['12356', '400-161-9995'])
  await assert.rejects(c.forget(), (f) => f.code === 'forget_failed')
  assert.equal(c.messages().length, 1, 'kept while the server has not confirmed')
  forgetOK = true
  await c.forget()
  assert.equal(c.messages().length, 0)
  assert.equal(s.wx.getStorageSync(history.STORAGE_KEY), '')
})
