// Plain-Chinese explanations of everything that can go wrong, by the server's error code
// (adapters/wechat-miniprogram/README.md §4) or the page's own codes (offline, timeout, …).
const { retryAfterMs } = require('./request.js')

const MESSAGES = {
  offline: '手机现在没有连上网络。连上网络后会自动重新发送。',
  network: '暂时连不上服务器，可能是服务器在维护。请稍后点“重新发送”。',
  timeout: '服务器这次回复得太慢了，请点“重新发送”再试一次。',
  interrupted: '小程序切到后台时回答被打断了，回来后会自动继续。',
  pending_timeout: '回答还没准备好。可以点“重新发送”再等一等，不会重复提问。',
  wx_login_failed: '微信登录没有成功，请稍后再试。',
  invalid_code: '登录信息已过期，请再发送一次。',
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
  forget_failed: '暂时没能删除你的数据，请稍后再试。',
  default: '出了点小问题，请稍后再试。'
}

// Errors a later retry can fix by itself (the server says when with Retry-After).
const TRANSIENT = ['busy', 'store_unavailable', 'wechat_unavailable', 'rate_limited', 'login_rate_limited']

function failure(code, waitMs) {
  return { code: code, message: MESSAGES[code] || MESSAGES.default, retryAfterMs: waitMs || 0 }
}

// A non-200 answer from the server.
function failureOfResponse(res) {
  const body = res && res.data
  const code = (body && body.error && body.error.code) || (res && res.statusCode >= 500 ? 'network' : 'default')
  return failure(code, retryAfterMs(res))
}

// No answer at all (see request.js): offline, timeout, interrupted, network.
function failureOfRequest(err) {
  return failure((err && err.kind) || 'network')
}

module.exports = {
  MESSAGES: MESSAGES, TRANSIENT: TRANSIENT, failure: failure,
  failureOfResponse: failureOfResponse, failureOfRequest: failureOfRequest
}
