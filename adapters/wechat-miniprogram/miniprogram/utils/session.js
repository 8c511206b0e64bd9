// Login: wx.login → POST /login {code} → {token, expiresIn, budgetMs}. The token is opaque and
// signed by the server; it is kept in storage so a relaunch does not log in again. The server
// also tells its answer budget (budgetMs), which the page's request timeouts follow.
const { failure, failureOfResponse, failureOfRequest } = require('./messages.js')

const STORAGE_KEY = 'heartline.session.v2'

function createSession(deps) {
  const wx = deps.wx
  const config = deps.config
  const requester = deps.requester
  const network = deps.network
  const now = deps.now || Date.now
  let state = load()
  let pendingLogin = null

  function load() {
    try {
      const saved = wx.getStorageSync(STORAGE_KEY)
      return saved && saved.token ? saved : null
    } catch (e) {
      return null
    }
  }

  function save() {
    try {
      if (state) wx.setStorageSync(STORAGE_KEY, state)
      else wx.removeStorageSync(STORAGE_KEY)
    } catch (e) {
      // Storage full or unavailable: the session simply lasts until the page closes.
    }
  }

  function wxLogin() {
    return new Promise((resolve, reject) => {
      wx.login({
        success: (r) => (r && r.code ? resolve(r.code) : reject(failure('wx_login_failed'))),
        // wx.login fails offline too: say "offline", not "login failed".
        fail: () => network.isOnline().then((online) => reject(failure(online ? 'wx_login_failed' : 'offline')))
      })
    })
  }

  function login() {
    if (pendingLogin) return pendingLogin
    pendingLogin = wxLogin()
      .then((code) => requester.post('/login', { code: code }, { timeout: config.networkMarginMs * 2 })
        .catch((err) => { throw failureOfRequest(err) }))
      .then((res) => {
        if (res.statusCode === 200 && res.data && res.data.token) {
          state = {
            token: res.data.token,
            // Renew a minute early so a question never goes out with a token about to expire.
            expiresAt: now() + Math.max(60, (res.data.expiresIn || 0) - 60) * 1000,
            budgetMs: res.data.budgetMs || (state && state.budgetMs) || config.defaultBudgetMs
          }
          save()
          return state.token
        }
        throw failureOfResponse(res)
      })
    const done = () => { pendingLogin = null }
    pendingLogin.then(done, done)
    return pendingLogin
  }

  function ensure() {
    if (state && state.token && now() < state.expiresAt) return Promise.resolve(state.token)
    return login()
  }

  function invalidate() {
    state = null
    save()
  }

  function budgetMs() {
    return (state && state.budgetMs) || config.defaultBudgetMs
  }

  function setBudget(ms) {
    if (state && ms > 0 && ms !== state.budgetMs) {
      state.budgetMs = ms
      save()
    }
  }

  return { ensure: ensure, login: login, invalidate: invalidate, budgetMs: budgetMs, setBudget: setBudget, STORAGE_KEY: STORAGE_KEY }
}

module.exports = { createSession: createSession, STORAGE_KEY: STORAGE_KEY }
