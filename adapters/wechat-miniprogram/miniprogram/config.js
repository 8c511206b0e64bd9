// Where the Heartline server is reachable. It must be an HTTPS domain listed under
// 开发管理 → 开发设置 → 服务器域名 → request合法域名 (see ../README.md).
module.exports = {
  apiBase: 'https://heartline.example.com',
  apiPrefix: '/wechat/miniprogram',
  // The server's `ask` budget before the first login tells the real one (`budgetMs`): the default
  // `wechat.askTimeoutMs` (15000). With `wechat.contentCheck` on the server adds two
  // `wechat.apiTimeoutMs` and says so in `budgetMs`.
  defaultBudgetMs: 15000,
  // Added to the server's budget for the network: the request timeout is budget + margin.
  networkMarginMs: 5000,
  // How long one question may stay "pending" (server fallback, asking again with the same key)
  // before the page stops and offers a retry button.
  pendingDeadlineMs: 90000,
  // Retry-After waits up to this long are waited automatically; longer ones go to the retry button.
  autoRetryAfterMaxMs: 10000,
  // Ask through the chunked `/ask/stream` and type the answer as its checked sentences arrive
  // (useful when the server streams a remote model: `model.stream`; otherwise only the final
  // reply comes). Needs base library 2.20.2+ (onChunkReceived); older ones get the whole reply.
  streaming: false
}
