// wx.request as a promise. Resolves with the server's answer {statusCode, data, header} whatever
// the status; rejects with {kind, errMsg} when no answer came: kind 'offline' (no network at all),
// 'timeout', 'interrupted' (the app went to the background) or 'network' (server unreachable).
const { failureKind } = require('./network.js')
const { createLineReader, collectAnswer } = require('./stream.js')

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
  // POST read in chunks (utils/stream.js): `onLine(object)` sees each JSON line as it arrives;
  // resolves like `post` with the final reply as `data`, rejects like `post` (a stream cut before
  // its final line is a 'network' failure, retried by the asker with the same key).
  function postChunked(path, data, options, onLine) {
    const opts = options || {}
    return new Promise((resolve, reject) => {
      const reader = createLineReader()
      const objects = []
      const take = (list) => list.forEach((object) => { objects.push(object); onLine(object) })
      const task = wx.request({
        url: config.apiBase + config.apiPrefix + path,
        method: 'POST',
        data: data,
        header: Object.assign({ 'content-type': 'application/json' }, opts.header || {}),
        timeout: opts.timeout,
        enableChunked: true,
        responseType: 'arraybuffer',
        success: (res) => {
          // Without chunk support the whole body comes here at the end.
          if (!objects.length && res.data) take(reader.feed(typeof res.data === 'string' ? toBytes(res.data) : res.data))
          const answer = collectAnswer(res.statusCode, res.header || {}, objects, reader.rest())
          if (answer) resolve(answer)
          else reject({ kind: 'network', errMsg: 'request:fail chunked answer cut' })
        },
        fail: (err) => {
          const kind = failureKind(err && err.errMsg)
          if (kind === 'interrupted') return reject({ kind: kind, errMsg: err.errMsg })
          network.isOnline().then((online) => reject({ kind: online ? kind : 'offline', errMsg: err && err.errMsg }))
        }
      })
      if (task && typeof task.onChunkReceived === 'function') task.onChunkReceived((res) => take(reader.feed(res.data)))
    })
  }

  return { post: post, get: get, postChunked: postChunked }
}

function toBytes(text) {
  const bytes = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff
  return bytes
}

// Retry-After in milliseconds (seconds in the header; header names may arrive lower-cased).
function retryAfterMs(res) {
  const header = (res && res.header) || {}
  const value = header['Retry-After'] || header['retry-after']
  const seconds = parseInt(value, 10)
  return seconds > 0 ? seconds * 1000 : 0
}

module.exports = { createRequester: createRequester, retryAfterMs: retryAfterMs }
