package awsenv

import "testing"

// The one plaintext rule for every URL that carries a secret.
func TestPlaintext(t *testing.T) {
	for raw, want := range map[string]bool{
		"http://cognito.example.com":            true,
		"http://10.0.0.8:9229":                  true,
		"HTTP://proxy.corp:8080/x":              true,
		"Http://cognito.example.com":            true,
		"http://user:pass@cognito.example.com":  true,
		"http://localhost@cognito.example.com":  true,
		"http://cognito.example.com#@localhost": true,
		"http://localhost.example.com":          true,
		"http://notlocalhost":                   true,
		"http://[::ffff:10.0.0.1]":              true,
		"http://[fe80::1]:9229":                 true,
		"http://0.0.0.0:9229":                   true,
		"http://127.0.0.1:9229":                 false,
		"http://127.42.0.1":                     false,
		"http://127.255.255.254:1":              false,
		"http://[::1]:9229":                     false,
		"http://[0:0:0:0:0:0:0:1]":              false,
		"http://user:pass@127.0.0.1:9229":       false,
		"http://localhost:9229":                 false,
		"http://LOCALHOST":                      false,
		"HTTP://localhost":                      false,
		"http://cognito.localhost:9229":         false,
		"http://a.b.LocalHost":                  false,
		"https://cognito.example.com":           false,
		"HTTPS://10.0.0.8":                      false,
		"ftp://cognito.example.com":             false,
		"http://[::1":                           false, // does not parse: the validators refuse it
	} {
		if got := Plaintext(raw); got != want {
			t.Errorf("Plaintext(%q) = %v, want %v", raw, got, want)
		}
	}
}

func TestLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LocalHost": true, "localhost.": true, "api.localhost": true, "x.y.localhost": true,
		"127.0.0.1": true, "127.9.9.9": true, "::1": true, "0:0:0:0:0:0:0:1": true,
		".localhost": false, "localhost.example.com": false, "xlocalhost": false, "10.0.0.8": false,
		"128.0.0.1": false, "::": false, "::ffff:127.0.0.1": true, "": false, "cognito.example.com": false,
	} {
		if got := LoopbackHost(host); got != want {
			t.Errorf("LoopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}
