const test = require('node:test')
const assert = require('node:assert/strict')
const { setup, answer } = require('./harness.js')

const asks = (s) => s.control.state.requests.filter((r) => r.path.endsWith('/ask'))

test('the request timeout follows the budget the server sent, plus the network margin', async () => {
  const s = setup({ routes: { '/ask': () => answer('你好', { budgetMs: 25000 }) } })
  await s.asker.ask('问题', 'q-1')
  assert.equal(asks(s)[0].timeout, 19000 + 5000, 'budget from login')
  await s.asker.ask('问题二', 'q-2')
  assert.equal(asks(s)[1].timeout, 25000 + 5000, 'budget from the last answer')
  assert.equal(asks(s)[0].header.Authorization, 'Bearer v2.token-code-1')
})

test('a pending answer is asked again with the same key until the real answer comes', async () => {
  const pending = []
  const s = setup({
    routes: {
      '/ask': (r, n) => (n < 3 ? answer('稍等', { pending: true, retryAfterMs: 3000, source: 'fallback' }) : answer('真正的回答', { duplicate: true }))
    }
  })
  const result = await s.asker.ask('问题', 'q-7', (interim) => pending.push(interim.answer))
  assert.equal(result.answer, '真正的回答')
  assert.deepEqual(pending, ['稍等', '稍等'])
  assert.deepEqual(asks(s).map((r) => r.data.idempotencyKey), ['q-7', 'q-7', 'q-7'])
})

test('a pending answer never waits forever: past the deadline it ends in pending_timeout', async () => {
  const s = setup({ routes: { '/ask': () => answer('稍等', { pending: true, retryAfterMs: 2000 }) } })
  const started = s.clock.now()
  await assert.rejects(s.asker.ask('问题', 'q-8'), (f) => f.code === 'pending_timeout' && /重新发送/.test(f.message))
  assert.ok(s.clock.now() - started <= s.config.pendingDeadlineMs)
  assert.ok(asks(s).length >= 10)
})

test('request:fail timeout is retried once with the same key, then reported', async () => {
  const s = setup({ routes: { '/ask': (r, n) => (n === 1 ? { hang: true } : answer('第二次到了')) } })
  assert.equal((await s.asker.ask('问题', 'q-9')).answer, '第二次到了')
  const t = setup({ routes: { '/ask': () => ({ hang: true }) } })
  await assert.rejects(t.asker.ask('问题', 'q-10'), (f) => f.code === 'timeout')
  assert.deepEqual(asks(t).map((r) => r.data.idempotencyKey), ['q-10', 'q-10'])
})

test('request:fail interrupted (app in the background) is reported as interrupted', async () => {
  const s = setup({ routes: { '/ask': () => ({ fail: 'request:fail interrupted' }) } })
  await assert.rejects(s.asker.ask('问题', 'q-11'), (f) => f.code === 'interrupted')
})

test('offline and server trouble are told apart by the network type', async () => {
  const s = setup({ routes: { '/ask': () => ({ fail: 'request:fail errcode:-101 cronet_error_code:-101' }) } })
  await s.session.ensure()
  await assert.rejects(s.asker.ask('问题', 'q-12'), (f) => f.code === 'network' && /服务器/.test(f.message))
  s.control.setNetwork('none')
  await assert.rejects(s.asker.ask('问题', 'q-12'), (f) => f.code === 'offline' && /没有连上网络/.test(f.message))
})

test('Retry-After is honoured: short waits are waited, long ones returned for the retry button', async () => {
  const s = setup({
    routes: { '/ask': (r, n) => (n === 1 ? { statusCode: 503, data: { error: { code: 'busy' } }, header: { 'Retry-After': '2' } } : answer('等到了')) }
  })
  const before = s.clock.now()
  assert.equal((await s.asker.ask('问题', 'q-13')).answer, '等到了')
  assert.ok(s.clock.now() - before >= 2000, 'waited the 2 s the server asked for')
  const t = setup({ routes: { '/ask': () => ({ statusCode: 429, data: { error: { code: 'rate_limited' } }, header: { 'retry-after': '45' } }) } })
  await assert.rejects(t.asker.ask('问题', 'q-14'), (f) => f.code === 'rate_limited' && f.retryAfterMs === 45000)
  assert.equal(asks(t).length, 1)
})

test('a 401 logs in again once and asks again', async () => {
  const s = setup({
    routes: { '/ask': (r, n) => (n === 1 ? { statusCode: 401, data: { error: { code: 'invalid_session' } } } : answer('重新登录后回答')) }
  })
  assert.equal((await s.asker.ask('问题', 'q-15')).answer, '重新登录后回答')
  assert.equal(s.control.state.loginCount, 2)
  assert.equal(asks(s)[1].header.Authorization, 'Bearer v2.token-code-2')
  const t = setup({ routes: { '/ask': () => ({ statusCode: 401, data: { error: { code: 'invalid_session' } } }) } })
  await assert.rejects(t.asker.ask('问题', 'q-16'), (f) => f.code === 'invalid_session')
})

test('forget posts to /forget with the token', async () => {
  const s = setup({ routes: { '/forget': () => ({ statusCode: 200, data: { forgotten: true, message: '已删除' } }) } })
  assert.equal((await s.asker.forget()).forgotten, true)
  const t = setup({ routes: { '/forget': () => ({ statusCode: 503, data: { error: { code: 'forget_failed' } }, header: { 'Retry-After': '5' } }) } })
  await assert.rejects(t.asker.forget(), (f) => f.code === 'forget_failed')
})
