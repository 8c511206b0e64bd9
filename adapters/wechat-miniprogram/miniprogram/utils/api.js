// Talks to Heartline's mini-program Q&A API: wx.login → POST /login {code} → session token;
// POST /ask {question, idempotencyKey} with "Authorization: Bearer <token>".
// The session key never reaches the page; the token is opaque and expires.
const config = require('../config.js')

const MESSAGES = {
  network: '网络好像不太稳定，请检查网络后再试一次。',
  wx_login_failed: '微信登录没有成功，请稍后再试。',
  invalid_code: '登录信息已过期，正在重新登录，请再发送一次。',
  login_rate_limited: '登录太频繁了，请一分钟后再试。',
  login_blocked: '微信暂时限制了这次登录，请稍后再试。',
  wechat_unavailable: '微信服务暂时繁忙，请稍后再试。',
  wechat_error: '登录暂时不可用，请稍后再试。',
  invalid_session: '登录已过期，请再发送一次。',
  rate_limited: '你发得有点快，先歇一歇，过一会儿再问吧。',
  busy: '现在找我聊天的人有点多，请稍等一会儿再发。',
  store_unavailable: '服务暂时出了点问题，请稍后再试。',
  invalid_field: '这条消息没法发送，请换个说法再试。',
  already_answered: '这个问题之前已经回答过了，可以换个方式再问一次。',
  default: '出了点小问题，请稍后再试。'
}

let token = null
let tokenExpiresAt = 0
let pendingLogin = null

function post(path, data, headers) {
  return new Promise((resolve, reject) => {
    wx.request({
      url: config.apiBase + config.apiPrefix + path,
      method: 'POST',
      data: data,
      header: Object.assign({ 'content-type': 'application/json' }, headers || {}),
      timeout: 20000,
      success: resolve,
      fail: () => reject(failure('network'))
    })
  })
}

function failure(code, retryAfter) {
  return { code: code, message: MESSAGES[code] || MESSAGES.default, retryAfter: retryAfter || 0 }
}

function failureOf(res) {
  const body = res && res.data
  const code = body && body.error && body.error.code
  const header = res && res.header ? (res.header['Retry-After'] || res.header['retry-after']) : 0
  return failure(code || 'default', parseInt(header, 10) || 0)
}

function wxLogin() {
  return new Promise((resolve, reject) => {
    wx.login({
      success: (r) => (r.code ? resolve(r.code) : reject(failure('wx_login_failed'))),
      fail: () => reject(failure('wx_login_failed'))
    })
  })
}

function login() {
  if (pendingLogin) return pendingLogin
  pendingLogin = wxLogin()
    .then((code) => post('/login', { code: code }))
    .then((res) => {
      if (res.statusCode === 200 && res.data && res.data.token) {
        token = res.data.token
        tokenExpiresAt = Date.now() + Math.max(60, (res.data.expiresIn || 0) - 60) * 1000
        return token
      }
      throw failureOf(res)
    })
  const done = () => { pendingLogin = null }
  pendingLogin.then(done, done)
  return pendingLogin
}

function ensureLogin() {
  if (token && Date.now() < tokenExpiresAt) return Promise.resolve(token)
  return login()
}

// Resolves with {answer, tier, disclaimer?, resources?, hotline, pending}; rejects with
// {code, message, retryAfter}. A 401 (server restarted, token expired) logs in once more.
function ask(question, idempotencyKey, isRetry) {
  return ensureLogin()
    .then((t) => post('/ask', { question: question, idempotencyKey: idempotencyKey }, { Authorization: 'Bearer ' + t }))
    .then((res) => {
      if (res.statusCode === 200 && res.data) return res.data
      if (res.statusCode === 401 && !isRetry) {
        token = null
        return ask(question, idempotencyKey, true)
      }
      throw failureOf(res)
    })
}

function newIdempotencyKey() {
  return 'q-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10)
}

module.exports = { ensureLogin: ensureLogin, ask: ask, newIdempotencyKey: newIdempotencyKey, MESSAGES: MESSAGES }
