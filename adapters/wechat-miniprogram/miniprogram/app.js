// One set of helpers for the whole mini program: network status, requests, session, asker.
const config = require('./config.js')
const { createNetwork } = require('./utils/network.js')
const { createRequester } = require('./utils/request.js')
const { createSession } = require('./utils/session.js')
const { createAsker } = require('./utils/ask.js')

App({
  onLaunch() {
    const network = createNetwork(wx)
    const requester = createRequester(wx, config, network)
    const session = createSession({ wx: wx, config: config, requester: requester, network: network })
    this.heartline = {
      network: network,
      requester: requester,
      session: session,
      asker: createAsker({ session: session, requester: requester, config: config })
    }
    // Log in early so the first question does not wait for it; failures are retried on ask.
    session.ensure().catch(() => {})
  }
})
