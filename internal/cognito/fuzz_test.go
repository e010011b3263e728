package cognito

// Fuzz targets for the response-to-model mapping: tokensFrom (what a
// successful answer becomes), describe (what an error becomes) and the whole
// wire path (any HTTP answer through the real SDK). Seeds run as unit tests;
// `go test -fuzz FuzzX` explores further. Seed corpora: testdata/fuzz/.

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/failure"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/redact"
)

// fuzzSecret makes a secret from fuzz input that (a) has the shape the
// provider's validators let through (no input reaches Cognito otherwise)
// and (b) starts with a marker no fixed message text contains, so finding
// it in a message means it came from the fuzzed input.
func fuzzSecret(raw string) string {
	var b strings.Builder
	b.WriteString("Zq9")
	for _, r := range raw {
		if r < 128 && (r == '_' || r == '+' || r == '-' || r == '=' || r == '.' ||
			('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func FuzzTokensFrom(f *testing.F) {
	f.Add(true, "eyJraWQiOiJhIn0.e30.sig", "eyJraWQiOiJiIn0.e30.sig", "", "Bearer", int32(3600), false, "", "")
	f.Add(true, "access", "id", "eyJjdHkiOiJKV1QifQ.a.b.c.d", "Bearer", int32(600), true, "eu-west-1_0b1c2d3e-1111-2222-3333-444455556666", "-abc")
	f.Add(false, "", "", "", "", int32(0), false, "", "")
	f.Add(true, "", "id", "", "Bearer", int32(3600), false, "", "")
	f.Add(true, "access", "", "", "Bearer", int32(3600), false, "", "")
	f.Add(true, "access", "id", "", "", int32(-1), false, "", "")
	f.Add(true, "access", "id", "", "", int32(2147483647), true, "", "")
	issuedAt := time.Date(2026, 1, 2, 3, 4, 5, 600, time.FixedZone("x", 3600))
	f.Fuzz(func(t *testing.T, hasResult bool, access, id, refresh, tokenType string, expiresIn int32, hasDevice bool, deviceKey, groupKey string) {
		out := &cip.GetTokensFromRefreshTokenOutput{}
		if hasResult {
			out.AuthenticationResult = &types.AuthenticationResultType{
				AccessToken: optional(access), IdToken: optional(id), RefreshToken: optional(refresh),
				TokenType: optional(tokenType), ExpiresIn: expiresIn,
			}
			if hasDevice {
				out.AuthenticationResult.NewDeviceMetadata = &types.NewDeviceMetadataType{
					DeviceKey: optional(deviceKey), DeviceGroupKey: optional(groupKey),
				}
			}
		}
		tokens, err := tokensFrom(out, issuedAt)
		wantErr := !hasResult || access == "" || id == "" || expiresIn <= 0
		if (err != nil) != wantErr {
			t.Fatalf("err = %v, want error: %v", err, wantErr)
		}
		if err != nil {
			// Nothing half-set, and a diagnostic that names no token.
			if tokens != (Tokens{}) {
				t.Fatalf("a failed mapping returned tokens: %+v", tokens)
			}
			var e *Error
			if !errors.As(err, &e) || e.Reason != failure.Incomplete || e.Missing == failure.NoPart {
				t.Fatalf("error %v is not an Incomplete *Error", err)
			}
			// A token found in the text may just be a word of the fixed
			// wording, so compare instead with the error for tokens of
			// the same lengths but other bytes: it must read the same.
			other := out
			if hasResult {
				result := *out.AuthenticationResult
				result.AccessToken, result.IdToken, result.RefreshToken = optional(filler(access)), optional(filler(id)), optional(filler(refresh))
				other = &cip.GetTokensFromRefreshTokenOutput{AuthenticationResult: &result}
			}
			if _, otherErr := tokensFrom(other, issuedAt); otherErr == nil || otherErr.Error() != e.Error() {
				t.Fatalf("the error depends on the tokens' contents:\n%v\n%v", e, otherErr)
			}
			return
		}
		if tokens.AccessToken != access || tokens.IDToken != id || tokens.NewRefreshToken != refresh || tokens.TokenType != tokenType {
			t.Fatalf("tokens do not match the response: %+v", tokens)
		}
		if tokens.ExpiresIn != int64(expiresIn) {
			t.Fatalf("ExpiresIn %d, want %d", tokens.ExpiresIn, expiresIn)
		}
		// Whole seconds after the issue time's whole second, in UTC: by
		// Unix arithmetic, not the time package's Add and Truncate.
		if tokens.ExpiresAt.Unix() != issuedAt.Unix()+int64(expiresIn) || tokens.ExpiresAt.Nanosecond() != 0 ||
			tokens.ExpiresAt.Location() != time.UTC {
			t.Fatalf("ExpiresAt %s, want Unix %d + %d s, whole seconds, in UTC", tokens.ExpiresAt, issuedAt.Unix(), expiresIn)
		}
		if hasDevice && (tokens.NewDeviceKey != deviceKey || tokens.NewDeviceGroupKey != groupKey) ||
			!hasDevice && (tokens.NewDeviceKey != "" || tokens.NewDeviceGroupKey != "") {
			t.Fatalf("device metadata does not match: %+v", tokens)
		}
		for _, s := range []string{access, id, refresh} {
			if s != "" && !contains(tokens.Secrets(), s) {
				t.Fatalf("Secrets() misses an issued token, so logs would not mask it")
			}
		}
	})
}

// filler is a string as long as s made of bytes no token or wording has.
func filler(s string) string { return strings.Repeat("\x01", len(s)) }

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// knownCodes are the error codes classifyAPIError has a reason for, plus
// ones it does not know.
var knownCodes = []string{
	"NotAuthorizedException", "RefreshTokenReuseException", "ResourceNotFoundException", "UserNotFoundException",
	"TooManyRequestsException", "InternalErrorException", "InvalidParameterException", "ForbiddenException",
	"OperationNotEnabledException", "InvalidLambdaResponseException", "UnexpectedLambdaException",
	"UserLambdaValidationException", "UnknownOperationException", "SerializationException", "",
}

// refreshInputs are the inputs a failed refresh may be about.
var refreshInputs = map[failure.Input]bool{failure.NoInput: true, failure.RefreshToken: true, failure.ClientID: true, failure.ClientSecret: true, failure.DeviceKey: true}

// FuzzDescribe: any error code and message Cognito (or a proxy) may send,
// echoing any of the request's secrets, becomes a classified failure whose
// facts contain none of them.
func FuzzDescribe(f *testing.F) {
	f.Add(uint8(7), "", "User pool client CLIENT does not exist.", "token", "abcdefghijklmnopqrstuvwxyz", "", 1, false)
	f.Add(uint8(0), "", "Client CLIENT is configured for secret but secret was not received", "tok", "client1234", "", 1, false)
	f.Add(uint8(0), "", "Unable to verify secret for client CLIENT: SECRET", "tok", "client1234", "secretsecretsecretsecret12", 3, false)
	f.Add(uint8(6), "", "1 validation error detected: Value 'TOKEN' at 'refreshToken' failed", "refreshtoken", "client", "", 1, false)
	f.Add(uint8(0), "", "Invalid device key given.", "t", "c", "", 1, false)
	f.Add(uint8(200), "NewFancyException CLIENT", "something about CLIENT and TOKEN", "refresh.token-x", "cid", "", 2, false)
	f.Add(uint8(4), "", "Rate exceeded", "a", "b", "c", 0, true)
	// Altered echoes (issue 17): upper-cased, cut short, and escape
	// sequences in the code.
	f.Add(uint8(0), "", "client UPPERCLIENT and token CUTTOKEN", "eyJjdHkiOiJKV1QifQ.refresh0123456789", "clientidclientid0123456789", "", 1, false)
	f.Add(uint8(200), "Evil\x1b[31mCode\nCLIENT", "m\x1b]0;t\a", "tok", "clientidclientid0123456789", "", 1, false)
	f.Fuzz(func(t *testing.T, codeIndex uint8, extraCode, message, rawToken, rawClient, rawSecret string, attempts int, timedOut bool) {
		token, client, secret := fuzzSecret(rawToken), fuzzSecret(rawClient), fuzzSecret(rawSecret)
		secrets := []string{token, client, secret}
		// Let the fuzzer put secrets where Cognito would: in the message,
		// and (never seen, but not trusted either) in the code.
		cut := token
		if len(token) > redact.MinRun+2 {
			cut = token[1 : len(token)-1] // a copy cut short at both ends
		}
		expand := func(s string) string {
			return strings.NewReplacer("UPPERCLIENT", strings.ToUpper(client), "CUTTOKEN", cut,
				"TOKEN", token, "CLIENT", client, "SECRET", secret).Replace(s)
		}
		code := extraCode
		if int(codeIndex) < len(knownCodes) {
			code = knownCodes[codeIndex]
		}
		code, message = expand(code), expand(message)

		ctx := context.Background()
		if timedOut {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, -time.Second)
			defer cancel()
		}
		apiErr := &smithy.GenericAPIError{Code: code, Message: message}
		errs := []error{
			apiErr,
			&smithy.OperationError{ServiceID: "Cognito Identity Provider", OperationName: "GetTokensFromRefreshToken", Err: &awshttp.ResponseError{
				ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 400}}, Err: apiErr},
				RequestID:     "req-" + client, // a request id is never secret, but mind the echo check below
			}},
			&smithy.OperationError{Err: &smithy.DeserializationError{Err: errors.New(message)}},
			&smithy.OperationError{Err: &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
				Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 500 + int(codeIndex)%100}}, Err: errors.New(message)}}},
			errors.New(message),
		}
		for i, err := range errs {
			e := describe(err, failedCall{ctx: ctx, region: "eu-west-1", endpoint: "https://cognito-idp.eu-west-1.amazonaws.com",
				timeout: time.Second, attempts: attempts, secrets: secrets})
			if !refreshInputs[e.Input] {
				t.Fatalf("error %d: input %s is not a refresh's", i, e.Input)
			}
			if !errors.Is(e, err) {
				t.Fatalf("error %d: the SDK error is not wrapped", i)
			}
			wire := e.Code + "\n" + e.Message + "\n" + e.RequestID + "\n" + e.RootCause
			text := wire + "\n" + e.Endpoint + "\n" + e.Error()
			if i == 1 {
				// The request id is shown on purpose; it is not a secret.
				text = strings.ReplaceAll(text, "req-"+client, "req-id")
			}
			for _, s := range append(secrets, strings.ToUpper(client), cut) {
				if strings.Contains(text, s) {
					t.Fatalf("error %d: diagnostic contains a secret:\n%s", i, text)
				}
			}
			// Wire text is on one line: no control character reaches a
			// fact a diagnostic shows.
			if strings.ContainsAny(wire, "\x1b\a\r") || strings.Count(wire, "\n") != 3 {
				t.Fatalf("error %d: a fact holds a control character: %q", i, wire)
			}
		}
		// scrub on its own: secrets in the validators' alphabet never
		// survive, whatever surrounds them.
		if got := redact.Scrub(message+token+message+client+secret, secrets); strings.Contains(got, token) || strings.Contains(got, client) || strings.Contains(got, secret) {
			t.Fatalf("scrub left a secret in %q", got)
		}
		// Nor any part of one: text made of secrets alone, overlapping or
		// not, is masked whole (the overlapping_secrets seed once left "***.c").
		if got := redact.Scrub(token+client+secret+client+token, secrets); got != "***" {
			t.Fatalf("scrub left part of a secret: %q", got)
		}
	})
}

// FuzzRefreshResponse sends any HTTP answer through the real SDK and
// Refresh: it must end in tokens or an *Error, never a panic, and an error
// never carries half a result.
func FuzzRefreshResponse(f *testing.F) {
	f.Add(200, "application/x-amz-json-1.1", `{"AuthenticationResult":{"AccessToken":"a","IdToken":"b","ExpiresIn":3600,"TokenType":"Bearer"}}`)
	f.Add(200, "application/x-amz-json-1.1", `{"AuthenticationResult":{"AccessToken":"a","IdToken":"b","ExpiresIn":3600,"RefreshToken":"r","NewDeviceMetadata":{"DeviceKey":"k","DeviceGroupKey":"g"}}}`)
	f.Add(200, "application/x-amz-json-1.1", `{}`)
	f.Add(200, "application/x-amz-json-1.1", `{"AuthenticationResult":{}}`)
	f.Add(200, "application/x-amz-json-1.1", `{"AuthenticationResult":{"AccessToken":"a","ExpiresIn":"x"}}`)
	f.Add(200, "application/x-amz-json-1.1", `{"AuthenticationResult":{"AccessToken":"a`)
	f.Add(200, "text/html", `<html>hi</html>`)
	f.Add(200, "", ``)
	f.Add(400, "application/x-amz-json-1.1", `{"__type":"NotAuthorizedException","message":"Invalid Refresh Token"}`)
	f.Add(400, "application/x-amz-json-1.1", `{"__type":"com.amazon.coral.service#ResourceNotFoundException","message":"User pool client CLIENTID does not exist."}`)
	f.Add(400, "application/x-amz-json-1.1", `{"__type":"InvalidParameterException:http://internal.amazon.com/coral/com.amazon.coral.validate/","Message":"x"}`)
	f.Add(429, "application/x-amz-json-1.1", `{"__type":"TooManyRequestsException","message":"Rate exceeded"}`)
	f.Add(502, "text/html", `<html>Bad Gateway</html>`)
	f.Add(503, "application/x-amz-json-1.1", `{"__type":"InternalErrorException"}`)
	f.Add(302, "text/plain", `moved`)
	f.Add(400, "application/json", `[]`)

	const clientID = "fuzzclientidfuzzclientid12"
	const refreshToken = "eyJjdHkiOiJKV1QifQ.fuzz.refresh.token.value"
	var mu sync.Mutex
	var status int
	var contentType, body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("X-Amzn-Requestid", "fuzz-request")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(strings.ReplaceAll(body, "CLIENTID", clientID)))
	}))
	f.Cleanup(srv.Close)
	retries := 0
	client, err := load(context.Background(), Config{Region: "eu-west-1", Endpoint: srv.URL, MaxRetries: &retries, Timeout: 5 * time.Second})
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, st int, ct, b string) {
		// net/http accepts only 1xx-5xx; 1xx are interim answers.
		mu.Lock()
		status, contentType, body = 200+((st%400)+400)%400, ct, b
		if strings.ContainsAny(ct, "\r\n\x00") {
			contentType = "application/x-amz-json-1.1"
		}
		mu.Unlock()
		tokens, err := client.Refresh(context.Background(), Request{RefreshToken: refreshToken, ClientID: clientID})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || strings.HasPrefix(e.Reason.String(), "Reason(") {
				t.Fatalf("error %v is not a classified *Error", err)
			}
			if tokens != (Tokens{}) {
				t.Fatalf("a failed refresh returned tokens: %+v", tokens)
			}
			if strings.Contains(e.Error(), clientID) || strings.Contains(e.Error(), refreshToken) {
				t.Fatalf("diagnostic contains a request secret: %s", e.Error())
			}
			return
		}
		if tokens.AccessToken == "" || tokens.IDToken == "" || tokens.ExpiresIn <= 0 || tokens.ExpiresAt.IsZero() {
			t.Fatalf("a successful refresh is incomplete: %+v", tokens)
		}
	})
}
