package cognito

import "github.com/aws/aws-sdk-go-v2/aws"

// useHTTPClient makes c send every request through h: the test hook that
// lets a test see the wire (host, headers) without an endpoint override and
// without reaching the internet. It must run before c's first Refresh.
func useHTTPClient(c *Client, h aws.HTTPClient) { c.base.HTTPClient = h }
