package provider

// Issue 17, items 1, 3 and 8: secrets echoed back altered (upper-cased, cut
// short), device keys, and keys in URLs reach neither a diagnostic nor a
// DEBUG log line.

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// TestDeviceKeysAreSensitive: with a refresh token, a device key is what a
// pool that remembers devices asks for, so plans and state hide all three.
func TestDeviceKeysAreSensitive(t *testing.T) {
	var ephemeralSchema ephemeral.SchemaResponse
	(&refreshedTokensEphemeralResource{}).Schema(context.Background(), ephemeral.SchemaRequest{}, &ephemeralSchema)
	var dataSourceSchema datasource.SchemaResponse
	(&refreshedTokensDataSource{}).Schema(context.Background(), datasource.SchemaRequest{}, &dataSourceSchema)
	for _, name := range []string{"device_key", "new_device_key", "new_device_group_key"} {
		if !ephemeralSchema.Schema.Attributes[name].IsSensitive() {
			t.Errorf("ephemeral resource: %s is not sensitive", name)
		}
		if !dataSourceSchema.Schema.Attributes[name].IsSensitive() {
			t.Errorf("data source: %s is not sensitive", name)
		}
	}
}

// refreshLogged refreshes model against endpoint at DEBUG and returns the
// diagnostics' text and the log.
func refreshLogged(t *testing.T, data *providerData, model *refreshedTokensModel) (string, string) {
	t.Helper()
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	diags := refreshTokens(ctx, data, model)
	if !diags.HasError() {
		t.Fatal("the refresh did not fail")
	}
	if !strings.Contains(logs.String(), "Cognito refresh failed") {
		t.Fatalf("no DEBUG line for the failure, so this proves nothing:\n%s", logs.String())
	}
	return diagText(diags), logs.String()
}

func showsAny(text string, values ...string) string {
	lower := strings.ToLower(text)
	for _, v := range values {
		if strings.Contains(lower, strings.ToLower(v)) {
			return v
		}
	}
	return ""
}

// TestAlteredEchoesAreScrubbed: Cognito (or a proxy) echoing the request's
// secrets upper-cased or cut short, and the device key, shows none of them
// in the diagnostic or the DEBUG line "Cognito refresh failed".
func TestAlteredEchoesAreScrubbed(t *testing.T) {
	p := newPool(t, cognitotest.PoolConfig{})
	in := p.SignIn(cognitotest.AppClient{GenerateSecret: true})
	in.DeviceKey = "eu-west-1_0b1c2d3e-4f5a-4b7c-8d9e-0f1a2b3c4d5e"
	echoes := []string{
		strings.ToUpper(in.ClientID),
		in.RefreshToken[20:60],
		strings.ToUpper(in.ClientSecret[2:30]),
		in.DeviceKey,
		strings.ToUpper(in.DeviceKey[10:]),
	}
	p.InjectFault(cognitotest.Fault{ErrorType: "NotAuthorizedException", Message: "Invalid device key: " + strings.Join(echoes, " / ")})
	model := faultModel(in)
	model.DeviceKey = types.StringValue(in.DeviceKey)
	diags, logs := refreshLogged(t, newFaultProvider(t, p.URL, 0, time.Minute), model)
	if !strings.Contains(diags, "Invalid device key: ***") {
		t.Fatalf("the echo did not reach the diagnostic, so this proves nothing:\n%s", diags)
	}
	for where, text := range map[string]string{"diagnostic": diags, "log": logs} {
		if leaked := showsAny(text, echoes...); leaked != "" {
			t.Errorf("the %s shows %q:\n%s", where, leaked, text)
		}
	}
}

// closedPort is an http:// URL nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	return "http://" + listener.Addr().String()
}

// TestEndpointKeysAreNotShown: a key in the endpoint's path (from the
// provider block) or query (from AWS_ENDPOINT_URL) shows in no diagnostic
// and no DEBUG line, although the transport error names the whole URL.
func TestEndpointKeysAreNotShown(t *testing.T) {
	const pathKey, queryKey = "p4thK3yValue0123", "qu3ryK3yValue456"
	p := newPool(t, cognitotest.PoolConfig{})
	in := p.SignIn(cognitotest.AppClient{})
	t.Run("path of endpoint", func(t *testing.T) {
		diags, logs := refreshLogged(t, newFaultProvider(t, closedPort(t)+"/"+pathKey, 0, time.Minute), faultModel(in))
		if leaked := showsAny(diags+logs, pathKey); leaked != "" {
			t.Errorf("%q shows:\n%s\n%s", leaked, diags, logs)
		}
	})
	t.Run("query of AWS_ENDPOINT_URL", func(t *testing.T) {
		t.Setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "")
		t.Setenv("AWS_CONFIG_FILE", "/dev/null")
		t.Setenv("AWS_ENDPOINT_URL", closedPort(t)+"/?api_key="+queryKey)
		diags, logs := refreshLogged(t, newFaultProvider(t, "", 0, time.Minute), faultModel(in))
		if leaked := showsAny(diags+logs, queryKey, "api_key"); leaked != "" {
			t.Errorf("%q shows:\n%s\n%s", leaked, diags, logs)
		}
	})
}

// TestTokenURLKeyIsNotShown: a key in token_url's path shows in no
// diagnostic and no DEBUG line of a client-credentials request.
func TestTokenURLKeyIsNotShown(t *testing.T) {
	const pathKey = "p4thK3yValue0123"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "not here", http.StatusNotFound)
	}))
	defer srv.Close()
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	diags := clientCredentialsToken(ctx, newClientCredentialsFaultProvider(0, 10*time.Second, aws.RetryModeStandard),
		clientCredentialsFaultModel(acctest.ClientCredentialsInputs{TokenURL: srv.URL + "/" + pathKey + "/oauth2/token", ClientID: "keyclient1", ClientSecret: "KeySecretValue0123456789abcdef"}))
	if !diags.HasError() || !strings.Contains(logs.String(), "Requesting a Cognito client-credentials token") {
		t.Fatalf("no failure or no DEBUG line: %v\n%s", diags, logs.String())
	}
	if leaked := showsAny(diagText(diags)+logs.String(), pathKey); leaked != "" {
		t.Errorf("%q shows:\n%s\n%s", leaked, diagText(diags), logs.String())
	}
}
