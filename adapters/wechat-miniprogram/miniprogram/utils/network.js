// Tells "the phone is offline" from "the server is in trouble": wx.getNetworkType answers
// networkType 'none' offline; wx.onNetworkStatusChange reports {isConnected, networkType}.
function createNetwork(wx) {
  let connected = true
  const listeners = []
  if (typeof wx.onNetworkStatusChange === 'function') {
    wx.onNetworkStatusChange((res) => {
      const was = connected
      connected = !!(res && res.isConnected)
      listeners.forEach((listener) => listener(connected, was))
    })
  }

  // Resolves true when the phone has a network (or the type cannot be read).
  function isOnline() {
    return new Promise((resolve) => {
      wx.getNetworkType({
        success: (res) => {
          connected = res.networkType !== 'none'
          resolve(connected)
        },
        fail: () => resolve(true)
      })
    })
  }

  // `listener(connected, wasConnected)` on every change.
  function onChange(listener) {
    listeners.push(listener)
  }

  return { isOnline: isOnline, onChange: onChange, isConnected: () => connected }
}

// What a wx.request failure means, from its errMsg: 'request:fail timeout',
// 'request:fail interrupted' (the app went to the background), anything else a network error.
function failureKind(errMsg) {
  const text = String(errMsg || '')
  if (/timeout/i.test(text)) return 'timeout'
  if (/interrupted/i.test(text)) return 'interrupted'
  return 'network'
}

module.exports = { createNetwork: createNetwork, failureKind: failureKind }
