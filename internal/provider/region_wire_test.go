package provider

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
)

// regionWireChild marks the child process of TestRegionReachesTheWire.
const regionWireChild = "COGNITO_REGION_WIRE_CHILD"

// TestRegionReachesTheWire: with no endpoint override the resolved region
// picks Cognito's regional host (cognito-idp.<region>.amazonaws.com, AWS's
// service endpoints table), so the provider's `region` and each resource's
// `region` must show in the host the request is addressed to — not only in
// a diagnostic that echoes the configuration.
//
// The request is observed without reaching AWS: a child process runs with
// HTTPS_PROXY pointing at a local proxy, which records each CONNECT target
// and refuses it. (Go reads the proxy variables once per process, hence the
// child.)
func TestRegionReachesTheWire(t *testing.T) {
	if os.Getenv(regionWireChild) != "" {
		regionWireRequests(t)
		return
	}
	var mu sync.Mutex
	var targets []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		targets = append(targets, r.Method+" "+r.Host)
		mu.Unlock()
		http.Error(w, "recorded, not forwarded", http.StatusForbidden)
	}))
	t.Cleanup(proxy.Close)

	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		upper := strings.ToUpper(name)
		if strings.HasPrefix(upper, "AWS_") || strings.HasSuffix(upper, "_PROXY") || name == "TF_ACC" || name == "REQUEST_METHOD" {
			continue
		}
		env = append(env, kv)
	}
	dir := t.TempDir()
	env = append(env, regionWireChild+"=1", "HTTPS_PROXY="+proxy.URL, "HTTP_PROXY="+proxy.URL, "NO_PROXY=",
		"AWS_REGION=ap-south-1", "AWS_CONFIG_FILE="+dir+"/none", "AWS_SHARED_CREDENTIALS_FILE="+dir+"/none",
		"AWS_EC2_METADATA_DISABLED=true")
	cmd := exec.Command(os.Args[0], "-test.run=^TestRegionReachesTheWire$", "-test.count=1", "-test.v")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}

	want := []string{}
	for range []string{"ephemeral", "data source"} {
		want = append(want,
			"CONNECT cognito-idp.eu-north-1.amazonaws.com:443",   // provider region beats AWS_REGION
			"CONNECT cognito-idp.ca-central-1.amazonaws.com:443", // resource region beats the provider's
			"CONNECT cognito-idp.ap-south-1.amazonaws.com:443",   // AWS_REGION when neither is set
			"CONNECT cognito-idp.sa-east-1.amazonaws.com:443",    // resource region beats AWS_REGION
		)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(targets, want) {
		t.Errorf("requests were addressed to\n  %s\nwant\n  %s\nchild output:\n%s",
			strings.Join(targets, "\n  "), strings.Join(want, "\n  "), out)
	}
}

// regionWireRequests runs in the child: one refresh per case, in order,
// through the provider's protocol server like a CLI.
func regionWireRequests(t *testing.T) {
	const token, clientID = "eyJjdHkiOiJKV1QifQ.wire.test", "wireclientid0000000000000"
	for _, kind := range []string{"ephemeral", "data source"} {
		for _, regions := range [][2]string{{"eu-north-1", ""}, {"eu-north-1", "ca-central-1"}, {"", ""}, {"", "sa-east-1"}} {
			providerValues := map[string]any{"max_retries": 0}
			if regions[0] != "" {
				providerValues["region"] = regions[0]
			}
			resourceValues := map[string]any{"refresh_token": token, "client_id": clientID}
			if regions[1] != "" {
				resourceValues["region"] = regions[1]
			}
			diags := protocolRun(t, kind, providerValues, resourceValues)
			// The proxy refuses every CONNECT: each refresh ends there.
			if len(diags) != 1 || diags[0].Summary != "Could not reach Cognito" {
				for _, d := range diags {
					t.Errorf("%s %v: %s: %s", kind, regions, d.Summary, d.Detail)
				}
				t.Fatalf("%s %v: want one 'Could not reach Cognito' error", kind, regions)
			}
		}
	}
}
