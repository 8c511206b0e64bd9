const test = require('node:test')
const assert = require('node:assert/strict')
const { setup } = require('./harness.js')
const { createWx } = require('./wx-stub.js')

test('login keeps the token and the server budget, and a relaunch reuses them', async () => {
  const s = setup({ routes: {} })
  const [a, b] = await Promise.all([s.session.ensure(), s.session.ensure()])
  assert.equal(a, 'v2.token-code-1')
  assert.equal(b, a)
  assert.equal(s.control.state.loginCount, 1, 'concurrent callers share one wx.login')
  assert.equal(s.session.budgetMs(), 19000)
  // A relaunch: new modules over the same storage, no second login.
  const again = setup({ existing: s.built, routes: {} })
  assert.equal(await again.session.ensure(), a)
  assert.equal(s.control.state.loginCount, 1)
})

test('an expired token logs in again', async () => {
  const s = setup({ routes: {} })
  await s.session.ensure()
  s.clock.advance(86400 * 1000)
  assert.equal(await s.session.ensure(), 'v2.token-code-2')
})

test('offline, the login failure says offline — not a misleading login error', async () => {
  const s = setup({ routes: {}, networkType: 'none' })
  await assert.rejects(s.session.ensure(), (f) => f.code === 'offline' && /没有连上网络/.test(f.message))
})

test('server login errors keep their code and Retry-After', async () => {
  const s = setup({ routes: { '/login': () => ({ statusCode: 429, data: { error: { code: 'login_rate_limited' } }, header: { 'retry-after': '60' } }) } })
  await assert.rejects(s.session.ensure(), (f) => f.code === 'login_rate_limited' && f.retryAfterMs === 60000)
})

test('the stub behaves like wx: missing storage keys read as empty strings', () => {
  const { wx } = createWx()
  assert.equal(wx.getStorageSync('nothing'), '')
})
