// The crisis card: the answer's support resources (the server's structured `resources`
// [{name, number}]) as tap-to-call numbers, styled by tier — 'crisis' urgent, 'concern' gentle.
const TITLES = {
  crisis: '你并不孤单。现在就可以打电话，有人愿意听你说。',
  concern: '如果愿意，也可以和专业的人聊一聊：'
}

// The card for an answer, or null when it carries no resources.
function cardFor(result) {
  const list = result && Array.isArray(result.resources) ? result.resources : []
  const numbers = list
    .filter((r) => r && typeof r.name === 'string' && typeof r.number === 'string' && dialable(r.number))
    .map((r) => ({ name: r.name, number: r.number }))
  if (!numbers.length) return null
  const style = result.tier === 'crisis' ? 'crisis' : 'concern'
  return { style: style, title: TITLES[style], numbers: numbers }
}

// The digits wx.makePhoneCall dials ('400-161-9995' → '4001619995', '116 123' → '116123').
function dialable(number) {
  const digits = String(number).replace(/[\s-]/g, '')
  return /^\+?\d{3,15}$/.test(digits) ? digits : ''
}

// Opens the phone's dialer; resolves true when it opened.
function call(wx, number) {
  const phoneNumber = dialable(number)
  return new Promise((resolve) => {
    if (!phoneNumber) return resolve(false)
    wx.makePhoneCall({ phoneNumber: phoneNumber, success: () => resolve(true), fail: () => resolve(false) })
  })
}

module.exports = { cardFor: cardFor, dialable: dialable, call: call }
