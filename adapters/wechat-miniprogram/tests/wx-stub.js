// A stand-in for the `wx` object that behaves like the documented API where the page depends on
// it: wx.request calls `success` with {statusCode, data, header} for any HTTP status and `fail`
// with {errMsg} otherwise ('request:fail timeout' after `timeout` ms, 'request:fail interrupted'
// when the app went to the background, a net error while offline); wx.getNetworkType answers
// networkType 'none' offline; wx.onNetworkStatusChange reports {isConnected, networkType};
// storage keeps values by key and getStorageSync answers '' for a missing key.
//
// Time is a fake clock (`clock.now()`, `clock.sleep(ms)`) so deadlines are tested without waiting.

function createClock() {
  let t = 1700000000000
  return {
    now: () => t,
    advance: (ms) => { t += ms },
    sleep: (ms) => { t += ms; return new Promise((resolve) => setImmediate(resolve)) }
  }
}

// `server(request)` returns (or resolves to) one of:
//   {statusCode, data, header}      the server answered
//   {hang: true}                    no answer: the request times out after its `timeout`
//   {fail: 'request:fail interrupted'} (or any errMsg)
function createWx(options) {
  const opts = options || {}
  const clock = opts.clock || createClock()
  const storage = new Map()
  const networkListeners = []
  const state = {
    networkType: opts.networkType || 'wifi',
    loginCount: 0,
    loginFails: 0,
    requests: [],
    calls: [],
    clipboard: null,
    server: opts.server || (() => ({ statusCode: 404, data: {} }))
  }

  function deepCopy(value) {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value))
  }

  const wx = {
    request(o) {
      if (typeof o.url !== 'string' || !/^https:\/\//.test(o.url)) throw new Error('wx.request needs an https url')
      const request = { url: o.url, path: o.url.replace(/^https:\/\/[^/]+/, ''), method: o.method, header: o.header || {}, data: deepCopy(o.data), timeout: o.timeout }
      state.requests.push(request)
      const deliver = (reply) => {
        if (state.networkType === 'none') return o.fail && o.fail({ errMsg: 'request:fail -106:net::ERR_INTERNET_DISCONNECTED' })
        if (reply && reply.hang) {
          clock.advance(typeof o.timeout === 'number' ? o.timeout : 60000)
          return o.fail && o.fail({ errMsg: 'request:fail timeout' })
        }
        if (reply && reply.fail) return o.fail && o.fail({ errMsg: reply.fail })
        if (reply && reply.chunks) return deliverChunks(reply)
        o.success && o.success({ statusCode: reply.statusCode, data: deepCopy(reply.data), header: reply.header || {}, errMsg: 'request:ok' })
      }
      // {statusCode, chunks: [string…]}: a chunked body. With enableChunked each chunk goes to the
      // onChunkReceived listeners as an ArrayBuffer of its bytes (one per char code: the server's
      // lines are ASCII), then success comes with an empty body; without it, success gets it all.
      const chunkListeners = []
      const toBuffer = (text) => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff).buffer
      function deliverChunks(reply) {
        if (!o.enableChunked) {
          return o.success && o.success({ statusCode: reply.statusCode, data: reply.chunks.join(''), header: reply.header || {}, errMsg: 'request:ok' })
        }
        reply.chunks.forEach((chunk) => chunkListeners.forEach((listener) => listener({ data: toBuffer(chunk) })))
        if (reply.cut) return o.fail && o.fail({ errMsg: 'request:fail' })
        o.success && o.success({ statusCode: reply.statusCode, data: new ArrayBuffer(0), header: reply.header || {}, errMsg: 'request:ok' })
      }
      Promise.resolve()
        .then(() => (state.networkType === 'none' ? null : state.server(request)))
        .then((reply) => setImmediate(() => deliver(reply)))
      return { abort() {}, onChunkReceived(listener) { chunkListeners.push(listener) } }
    },
    login(o) {
      setImmediate(() => {
        if (state.networkType === 'none' || state.loginFails > 0) {
          if (state.loginFails > 0) state.loginFails -= 1
          return o.fail && o.fail({ errMsg: 'login:fail' })
        }
        state.loginCount += 1
        o.success && o.success({ code: 'code-' + state.loginCount, errMsg: 'login:ok' })
      })
    },
    getNetworkType(o) {
      setImmediate(() => o.success && o.success({ networkType: state.networkType, errMsg: 'getNetworkType:ok' }))
    },
    onNetworkStatusChange(listener) {
      networkListeners.push(listener)
    },
    getStorageSync(key) {
      return storage.has(key) ? deepCopy(storage.get(key)) : ''
    },
    setStorageSync(key, value) {
      storage.set(key, deepCopy(value))
    },
    removeStorageSync(key) {
      storage.delete(key)
    },
    makePhoneCall(o) {
      state.calls.push(o.phoneNumber)
      setImmediate(() => o.success && o.success({ errMsg: 'makePhoneCall:ok' }))
    },
    setClipboardData(o) {
      state.clipboard = o.data
      setImmediate(() => o.success && o.success({ errMsg: 'setClipboardData:ok' }))
    }
  }

  // Test controls.
  const control = {
    state: state,
    storage: storage,
    clock: clock,
    setServer(server) { state.server = server },
    setNetwork(type) {
      state.networkType = type
      networkListeners.forEach((listener) => listener({ isConnected: type !== 'none', networkType: type }))
    }
  }
  return { wx: wx, control: control }
}

// Resolves once every queued callback has run (the stub answers through setImmediate).
function flush(times) {
  let chain = Promise.resolve()
  for (let i = 0; i < (times || 20); i++) chain = chain.then(() => new Promise((resolve) => setImmediate(resolve)))
  return chain
}

module.exports = { createWx: createWx, createClock: createClock, flush: flush }
