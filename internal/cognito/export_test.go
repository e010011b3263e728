package cognito

import "net/http"

// useTransport makes c send every request through rt: the test hook that
// lets a test see the wire (host, headers) without an endpoint override and
// without reaching the internet. It must run before c's first Refresh (SDK
// clients are made per region on first use, with c's HTTP client).
func useTransport(c *Client, rt http.RoundTripper) { c.httpClient = &http.Client{Transport: rt} }
