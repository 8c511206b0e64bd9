// Builds the page's modules over the wx stub, the way app.js does, with a fake clock.
const path = require('path')
const root = path.join(__dirname, '..', 'miniprogram')
const { createWx } = require('./wx-stub.js')
const { createNetwork } = require(path.join(root, 'utils/network.js'))
const { createRequester } = require(path.join(root, 'utils/request.js'))
const { createSession } = require(path.join(root, 'utils/session.js'))
const { createAsker } = require(path.join(root, 'utils/ask.js'))
const { createConversation } = require(path.join(root, 'utils/conversation.js'))

const TEST_CONFIG = {
  apiBase: 'https://heartline.example.com',
  apiPrefix: '/wechat/miniprogram',
  defaultBudgetMs: 15000,
  networkMarginMs: 5000,
  pendingDeadlineMs: 90000,
  autoRetryAfterMaxMs: 10000
}

// A scripted server: `routes['/ask'](request, n)` etc.; `/login` answers a token by default.
function scriptedServer(routes) {
  const counts = {}
  return (request) => {
    const route = request.path.replace('/wechat/miniprogram', '').split('?')[0]
    counts[route] = (counts[route] || 0) + 1
    if (routes[route]) return routes[route](request, counts[route])
    if (route === '/login') return { statusCode: 200, data: { token: 'v2.token-' + request.data.code, expiresIn: 86400, budgetMs: 19000 } }
    return { statusCode: 404, data: { error: { code: 'not_found' } } }
  }
}

function answer(text, extra) {
  return { statusCode: 200, data: Object.assign({ answer: text, tier: 'none', hotline: '热线', source: 'model', duplicate: false, pending: false, budgetMs: 19000 }, extra || {}) }
}

function setup(options) {
  const opts = options || {}
  const built = opts.existing || createWx({ networkType: opts.networkType })
  const wx = built.wx
  const control = built.control
  if (opts.routes) control.setServer(scriptedServer(opts.routes))
  const config = Object.assign({}, TEST_CONFIG, opts.config || {})
  const clock = control.clock
  const network = createNetwork(wx)
  const requester = createRequester(wx, config, network)
  const session = createSession({ wx: wx, config: config, requester: requester, network: network, now: clock.now })
  const asker = createAsker({ session: session, requester: requester, config: config, now: clock.now, sleep: clock.sleep })
  const renders = []
  let keys = 0
  const conversation = () => createConversation({
    wx: wx, asker: asker, network: network, now: clock.now,
    newKey: () => 'q-test-' + (++keys),
    render: (messages, id) => renders.push({ messages: messages, id: id })
  })
  return { wx: wx, control: control, config: config, clock: clock, network: network, session: session, requester: requester, asker: asker, conversation: conversation, renders: renders, built: built }
}

module.exports = { setup: setup, scriptedServer: scriptedServer, answer: answer, TEST_CONFIG: TEST_CONFIG, root: root }
