const api = require('./utils/api.js')

App({
  onLaunch() {
    // Log in early so the first question does not wait for it; failures are retried on ask.
    api.ensureLogin().catch(() => {})
  }
})
