// Where the Heartline server is reachable. It must be an HTTPS domain listed under
// 开发管理 → 开发设置 → 服务器域名 → request合法域名 (see ../README.md).
module.exports = {
  apiBase: 'https://heartline.example.com',
  apiPrefix: '/wechat/miniprogram'
}
