/// Test vectors from docs/protocols.md A.10, (recomputed with wechatpy 1.8.18; see the list there).
/// Generated from the fact sheet to avoid transcription errors.
enum Vectors {
    // WX-1: official mini-program doc, JSON, safe mode.
    static let wx1Encrypt = """
+qdx1OKCy+5JPCBFWw70tm0fJGb2Jmeia4FCB7kao+/Q5c/ohsOzQHi8khUOb05JCpj0JB4RvQMkUyus8TPxLKJGQqcvZqzDpVzazhZv6JsXUnnR8XGT740XgXZUXQ7vJVnAG+tE8NUd4yFyjPy7GgiaviNrlCTj+l5kdfMuFUPpRSrfMZuMcp3Fn2Pede2IuQrKEYwKSqFIZoNqJ4M8EajAsjLY2km32IIjdf8YL/P50F7mStwntrA2cPDrM1kb6mOcfBgRtWygb3VIYnSeOBrebufAlr7F9mFUPAJGj04=
"""
    static let wx1Message = """
{"ToUserName":"gh_97417a04a28d","FromUserName":"o9AgO5Kd5ggOC-bXrbNODIiE3bGY","CreateTime":1714112445,"MsgType":"event","Event":"debug_demo","debug_str":"hello world"}
"""
    static let wx1ReplyEncrypt = """
ELGduP2YcVatjqIS+eZbp80MNLoAUWvzzyJxgGzxZO/5sAvd070Bs6qrLARC9nVHm48Y4hyRbtzve1L32tmxSQ==
"""
    // WX-2: Tencent WXBizMsgCrypt sample, XML.
    static let wx2Encrypt = """
hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=
"""
    static let wx2Message = """
<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>
<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>
<CreateTime>1409735668</CreateTime>
<MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[abcdteT]]></Content>
<MsgId>6054768590064713728</MsgId>
</xml>
"""
    static let wx2ReplyPlain = """
<xml><ToUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></ToUserName><FromUserName><![CDATA[gh_10f6c3c3ac5a]]></FromUserName><CreateTime>1409735669</CreateTime><MsgType><![CDATA[transfer_customer_service]]></MsgType></xml>
"""
    static let wx2ReplyEncrypt = """
QCTqNwyPmqRu4xuyqVsja0uKAGWaxepDn4yvz7jF8neonPLG9HKkBP2ZJ9rTEjYIbGn+/4FuHA7OK41tK9xBSBpxJHrI749I562FaWUUU/LTSibcjmWMxqroPpiIQ9c+I3X78VRtbaATnOKyAyOdpJX9S3YHYnTpH+RTLYr37zbNQUiY7zMuucmQnpw4bZzJ2oQsUPM3/JevdYWd62upf7eOYlj+yuKdZHGJsFsXRV2L31UOUvCWwUISBTzwnxDCi7EbIEJU/5019bU24KCkZBNzoauRH32pVcvvGJmQJY4XUaSwvWJ8OlvlqHVZeRxA7ADXuxeHcxDz6Q+/ShnJa+e7K9kD997cItw/BKUdvjbBkgXKThiLovF4atS2ZbWs
"""
    // WX-3: JSON inbound message, same keys as WX-2.
    static let wx3Message = """
{"ToUserName":"gh_10f6c3c3ac5a","FromUserName":"oyORnuP8q7ou2gfYjqLzSIWZf0rs","CreateTime":1409735668,"MsgType":"text","Content":"hello","MsgId":6054768590064713728}
"""
    static let wx3Encrypt = """
QCTqNwyPmqRu4xuyqVsja2OoahZ+Ly/2+qPx4Qgdq8C7wIbMslRtC3eAtBN73jyk3BBSMBnjM7e5d1PQA9jM/CPewrdjcT3Mkm/lcP4hHndU+Pwqk5E2m20uzbINwkQsYZlal1p7JsVkd705egF2c2kJjQuxX5TQdVavCMP9f3L3rIX7caj2EnP8e0EqPenOP0mTMkbVhIX6lZDyggHcVZTXwJAZdDnsAvvM+4ZomVJDW652dHQYWDAXjJ9GZOMnRtmJuT8/8qxE9jXHriaF7g4O1tA69RzTJrffng5LYUY=
"""
    // WX-4: wechatpy test-suite vectors (WeCom flavour, same cipher).
    static let wx4aPlain = """
<xml>
<MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[test]]></Content>
<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>
<ToUserName><![CDATA[messense]]></ToUserName>
<AgentID>1</AgentID>
<CreateTime>1411525903</CreateTime>
</xml>
"""
    static let wx4aEncrypt = """
9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3
"""
    static let wx4bEncrypt = """
RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=
"""
    static let wx4bMessage = """
<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>
<FromUserName><![CDATA[messense]]></FromUserName>
<CreateTime>1411525903</CreateTime>
<MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[test]]></Content>
<MsgId>4363689963896700987</MsgId>
<AgentID>1</AgentID>
</xml>
"""
}
