// wx.request as a promise. Resolves with the server's answer {statusCode, data, header} whatever
// the status; rejects with {kind, errMsg} when no answer came: kind 'offline' (no network at all),
// 'timeout', 'interrupted' (the app went to the background) or 'network' (server unreachable).
const { failureKind } = require('./network.js')

function createRequester(wx, config, network) {
  function post(path, data, options) {
    return send('POST', path, data, Object.assign({}, options || {}, { json: true }))
  }

  // `path` may carry a query string (the counsellor poll's `?after=`).
  function get(path, options) {
    return send('GET', path, undefined, options || {})
  }

  function send(method, path, data, opts) {
    return new Promise((resolve, reject) => {
      wx.request({
        url: config.apiBase + config.apiPrefix + path,
        method: method,
        data: data,
        header: Object.assign(opts.json ? { 'content-type': 'application/json' } : {}, opts.header || {}),
        timeout: opts.timeout,
        success: (res) => resolve(res),
        fail: (err) => {
          const kind = failureKind(err && err.errMsg)
          if (kind === 'interrupted') return reject({ kind: kind, errMsg: err.errMsg })
          network.isOnline().then((online) => reject({ kind: online ? kind : 'offline', errMsg: err && err.errMsg }))
        }
      })
    })
  }
  return { post: post, get: get }
}

// Retry-After in milliseconds (seconds in the header; header names may arrive lower-cased).
function retryAfterMs(res) {
  const header = (res && res.header) || {}
  const value = header['Retry-After'] || header['retry-after']
  const seconds = parseInt(value, 10)
  return seconds > 0 ? seconds * 1000 : 0
}

module.exports = { createRequester: createRequester, retryAfterMs: retryAfterMs }
