package provider

// The Open/Read cycle with a refresh-token store, through refreshTokens (the
// logic Open and Read share) with a real cognito.Client, the real stores
// and the double's Cognito and Secrets Manager.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/acctest"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognito"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognitotest"
)

// storeObject is a refresh_token_store value.
func storeObject(cfg storeConfig) types.Object {
	value := func(s string) attr.Value { return nullIfEmpty(s) }
	return types.ObjectValueMust(
		map[string]attr.Type{storeSecretIDAttr: types.StringType, storeFileAttr: types.StringType},
		map[string]attr.Value{storeSecretIDAttr: value(cfg.secretID), storeFileAttr: value(cfg.file)})
}

// storeModel is a configuration that takes its refresh token from cfg.
func storeModel(in acctest.TokenInputs, cfg storeConfig) *refreshedTokensModel {
	m := faultModel(in)
	m.RefreshToken = types.StringNull()
	m.RefreshTokenStore = storeObject(cfg)
	return m
}

// testStore is one kind of store in the double's world.
type testStore struct {
	kind string
	cfg  storeConfig
	// value is what the store holds now.
	value func() string
	// writes counts the store's writes (Secrets Manager: PutSecretValue
	// calls, including a race loser's, whose version never becomes current).
	writes func() int
}

// newFileStore puts token into a fresh file store.
func newFileStore(t *testing.T, token string) testStore {
	t.Helper()
	file := filepath.Join(t.TempDir(), "refresh-token")
	if err := os.WriteFile(file, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A file store's write is a new content: writes counts the changes
	// value has seen.
	var mu sync.Mutex
	last, writes := token, 0
	read := func() string {
		b, err := os.ReadFile(file)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("reading the file store: %v", err)
		}
		mu.Lock()
		defer mu.Unlock()
		if v := acctest.StoredRefreshToken(string(b)); v != last {
			last, writes = v, writes+1
		}
		return last
	}
	return testStore{kind: "file", cfg: storeConfig{file: file}, value: read,
		writes: func() int {
			read()
			mu.Lock()
			defer mu.Unlock()
			return writes
		}}
}

// newSecretStore puts token into a new secret of the double, reached
// through AWS_ENDPOINT_URL_SECRETS_MANAGER with dummy credentials. Tests
// using it cannot run in parallel.
func newSecretStore(t *testing.T, p *pool, token string) testStore {
	t.Helper()
	useDoubleForSecretsManager(t, p)
	name := "terraform/" + strings.ReplaceAll(t.Name(), "/", "-")
	p.CreateSecret(name, token)
	return testStore{kind: "Secrets Manager", cfg: storeConfig{secretID: name},
		value: func() string {
			v, _ := p.SecretValue(name)
			return acctest.StoredRefreshToken(v)
		},
		writes: func() int { return p.SecretsManagerCalls(cognitotest.SMPutSecretValue) }}
}

// useDoubleForSecretsManager points the AWS SDK's Secrets Manager clients at
// the double, with dummy credentials and nothing else from the environment.
func useDoubleForSecretsManager(t *testing.T, p *pool) {
	t.Helper()
	isolateAWSEnvironment(t)
	t.Setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", p.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDSTOREDOUBLE00000")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "store-double-secret-key")
}

// storeProvider is a configured provider whose region is the double's.
func storeProvider(t *testing.T, p *pool) *providerData {
	t.Helper()
	data := newFaultProvider(t, p.URL, 2, 30*time.Second)
	data.region = "eu-west-1"
	return data
}

// storeKinds runs test once per kind of store, holding token.
func storeKinds(t *testing.T, p func(t *testing.T) *pool, test func(t *testing.T, p *pool, store func(token string) testStore)) {
	t.Run("file", func(t *testing.T) {
		pl := p(t)
		test(t, pl, func(token string) testStore { return newFileStore(t, token) })
	})
	t.Run("secretsmanager", func(t *testing.T) {
		pl := p(t)
		test(t, pl, func(token string) testStore { return newSecretStore(t, pl, token) })
	})
}

func freshPool(t *testing.T) *pool { return newPool(t, cognitotest.PoolConfig{}) }

// agedPool issues sets already past half their life: every open through a
// store rotates, as the chain tests below need.
func agedPool(t *testing.T) *pool {
	return newPool(t, cognitotest.PoolConfig{Now: acctest.SetsPastHalfLife})
}

func refreshOK(t *testing.T, data *providerData, m *refreshedTokensModel) {
	t.Helper()
	if diags := refreshTokens(context.Background(), data, m); diags.HasError() {
		t.Fatalf("refresh failed:\n%s", diagText(diags))
	}
	if m.AccessToken.ValueString() == "" {
		t.Fatal("no access token")
	}
}

// Without rotation Cognito issues no refresh token: the store is read and
// never written.
func TestStoreWithoutRotationIsOnlyRead(t *testing.T) {
	storeKinds(t, freshPool, func(t *testing.T, p *pool, newStore func(string) testStore) {
		in := p.SignIn(cognitotest.AppClient{})
		store := newStore(in.RefreshToken)
		data := storeProvider(t, p)
		for range 2 {
			m := storeModel(in, store.cfg)
			refreshOK(t, data, m)
			if !m.NewRefreshToken.IsNull() {
				t.Error("new_refresh_token is set without rotation")
			}
		}
		if got := store.writes(); got != 0 {
			t.Errorf("the store was written %d times without rotation", got)
		}
		if store.value() != in.RefreshToken {
			t.Error("the store no longer holds the original token")
		}
		if p.RequestCount() != 2 {
			t.Errorf("Cognito saw %d requests, want 2", p.RequestCount())
		}
	})
}

// With rotation (grace 0) the rotated token is in the store when the
// refresh returns, so every later refresh works.
func TestStoreKeepsRotatedTokenCurrent(t *testing.T) {
	storeKinds(t, agedPool, func(t *testing.T, p *pool, newStore func(string) testStore) {
		in := p.SignIn(cognitotest.AppClient{Rotation: true})
		store := newStore(in.RefreshToken)
		data := storeProvider(t, p)
		previous := in.RefreshToken
		for i := range 3 {
			m := storeModel(in, store.cfg)
			refreshOK(t, data, m)
			rotated := m.NewRefreshToken.ValueString()
			if rotated == "" || rotated == previous {
				t.Fatalf("refresh %d: no rotated token in new_refresh_token", i)
			}
			if store.value() != rotated {
				t.Fatalf("refresh %d: the store does not hold the rotated token when the refresh returns", i)
			}
			previous = rotated
		}
		if got := store.writes(); got != 3 {
			t.Errorf("the store was written %d times for 3 rotations", got)
		}
	})
}

// Two runs read the same token; the later one to write loses the race, still
// succeeds, and the store keeps the winner's token. The grace period lets
// both exchanges of the same token through, as Cognito does.
func TestStoreLostRaceKeepsWinner(t *testing.T) {
	storeKinds(t, agedPool, func(t *testing.T, p *pool, newStore func(string) testStore) {
		in := p.SignIn(cognitotest.AppClient{Rotation: true, GracePeriod: 60 * time.Second})
		store := newStore(in.RefreshToken)
		data := storeProvider(t, p)
		// The slow run's exchange is held until the fast run has written.
		release := make(chan struct{})
		p.InjectFault(cognitotest.Fault{Hold: release})
		slow, fast := storeModel(in, store.cfg), storeModel(in, store.cfg)
		done := make(chan diag.Diagnostics)
		go func() { done <- refreshTokens(context.Background(), data, slow) }()
		waitForFaultTaken(t, p)
		if store.cfg.file != "" {
			serializedOnLock(t, p, data, slow, fast, storeModel(in, store.cfg), store, release, done)
			return
		}
		refreshOK(t, data, fast)
		close(release)
		if diags := <-done; diags.HasError() {
			t.Fatalf("the run that lost the race failed:\n%s", diagText(diags))
		}
		winner, loser := fast.NewRefreshToken.ValueString(), slow.NewRefreshToken.ValueString()
		if winner == "" || loser == "" || winner == loser {
			t.Fatal("both runs must get their own rotated token")
		}
		if store.value() != winner {
			t.Error("the store does not hold the winner's token")
		}
		// The stored token works.
		refreshOK(t, data, storeModel(in, store.cfg))
	})
}

// With grace 0, a run that presents a token another run has just rotated gets
// RefreshTokenReuseException; it reads the store again and retries with the
// other run's token.
func TestStoreReuseRetriesWithStoredToken(t *testing.T) {
	storeKinds(t, agedPool, func(t *testing.T, p *pool, newStore func(string) testStore) {
		in := p.SignIn(cognitotest.AppClient{Rotation: true})
		store := newStore(in.RefreshToken)
		data := storeProvider(t, p)
		release := make(chan struct{})
		p.InjectFault(cognitotest.Fault{Hold: release})
		slow, fast := storeModel(in, store.cfg), storeModel(in, store.cfg)
		done := make(chan diag.Diagnostics)
		go func() { done <- refreshTokens(context.Background(), data, slow) }()
		waitForFaultTaken(t, p)
		if store.cfg.file != "" {
			serializedOnLock(t, p, data, slow, fast, storeModel(in, store.cfg), store, release, done)
			return
		}
		refreshOK(t, data, fast)
		close(release)
		if diags := <-done; diags.HasError() {
			t.Fatalf("the run that met a rotated token failed:\n%s", diagText(diags))
		}
		if got := slow.NewRefreshToken.ValueString(); got == "" || store.value() != got {
			t.Error("the retried run's rotated token is not in the store")
		}
		// One exchange each, plus the retry after the reuse answer.
		if got := p.RequestCount(); got != 3 {
			t.Errorf("Cognito saw %d requests, want 3", got)
		}
		refreshOK(t, data, storeModel(in, store.cfg))
	})
}

// serializedOnLock: on a file store the second run waits for the first
// one's lock, which is held through its exchange and write, then presents
// the first one's rotated token: no race, no reuse answer, one exchange
// each, and the store ends with the second run's token.
func serializedOnLock(t *testing.T, p *pool, data *providerData, slow, fast, again *refreshedTokensModel, store testStore, release chan struct{}, done chan diag.Diagnostics) {
	t.Helper()
	fastDone := make(chan diag.Diagnostics)
	go func() { fastDone <- refreshTokens(context.Background(), data, fast) }()
	close(release)
	for _, ch := range []chan diag.Diagnostics{done, fastDone} {
		if diags := <-ch; diags.HasError() {
			t.Fatalf("a run failed:\n%s", diagText(diags))
		}
	}
	first, second := slow.NewRefreshToken.ValueString(), fast.NewRefreshToken.ValueString()
	if first == "" || second == "" || first == second || store.value() != second {
		t.Error("the store must hold the second run's token, rotated from the first one's")
	}
	if got := p.RequestCount(); got != 2 {
		t.Errorf("Cognito saw %d requests, want 2", got)
	}
	refreshOK(t, data, again)
}

// waitForFaultTaken waits until a request has taken the queued fault.
func waitForFaultTaken(t *testing.T, p *pool) {
	t.Helper()
	for deadline := time.Now().Add(faultSanityLimit); p.PendingFaults() > 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the first run never reached Cognito")
		}
	}
}

// Cognito's error text can echo the token the store held: the DEBUG line of
// the failed cycle is masked with every token the cycle saw, and the
// diagnostic is scrubbed of it.
func TestStoreTokenMaskedInLogs(t *testing.T) {
	p := freshPool(t)
	in := p.SignIn(cognitotest.AppClient{Rotation: true})
	store := newFileStore(t, in.RefreshToken)
	p.InjectFault(cognitotest.Fault{ErrorType: cognitotest.ErrNotAuthorized, Message: "Invalid Refresh Token: " + in.RefreshToken})
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	diags := refreshTokens(ctx, storeProvider(t, p), storeModel(in, store.cfg))
	if !diags.HasError() {
		t.Fatal("no error")
	}
	if !strings.Contains(logs.String(), "Refresh-token store cycle failed") || !strings.Contains(logs.String(), "Invalid Refresh Token") {
		t.Fatalf("the failure was not logged:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), in.RefreshToken) {
		t.Errorf("the log shows the store's token:\n%s", logs.String())
	}
	if strings.Contains(diagText(diags), in.RefreshToken) {
		t.Errorf("the diagnostic shows the store's token:\n%s", diagText(diags))
	}
}

// Through the protocol server, as a CLI drives it: validate, configure, then
// open (ephemeral) or read (data source) with a file store of a rotating
// client. The rotated token is in the store when the call returns.
func TestStoreThroughProtocol(t *testing.T) {
	for _, kind := range []string{"ephemeral", "data source"} {
		t.Run(kind, func(t *testing.T) {
			p := freshPool(t)
			in := p.SignIn(cognitotest.AppClient{Rotation: true})
			store := newFileStore(t, in.RefreshToken)
			diags := protocolRun(t, kind, map[string]any{"region": "eu-west-1", "endpoint": p.URL},
				map[string]any{"client_id": in.ClientID, storeAttribute: map[string]any{storeFileAttr: store.cfg.file}})
			for _, d := range diags {
				t.Errorf("%s: %s: %s", d.Severity, d.Summary, d.Detail)
			}
			if got := p.RequestCount(); got != 1 {
				t.Errorf("Cognito saw %d requests, want 1", got)
			}
			if v := store.value(); v == in.RefreshToken || store.writes() != 1 {
				t.Error("the rotated token is not in the store")
			}
		})
	}
}

// A token file the group can read works, with a warning on the store.
func TestStoreFileReadableByOthersWarns(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows file modes do not tell who can read")
	}
	p := freshPool(t)
	in := p.SignIn(cognitotest.AppClient{})
	store := newFileStore(t, in.RefreshToken)
	if err := os.Chmod(store.cfg.file, 0o640); err != nil {
		t.Fatal(err)
	}
	diags := refreshTokens(context.Background(), storeProvider(t, p), storeModel(in, store.cfg))
	if diags.HasError() || diags.WarningsCount() != 1 || !strings.Contains(diagText(diags), "chmod 600") {
		t.Errorf("want one chmod warning:\n%s", diagText(diags))
	}
}

// A Ctrl-C while Cognito is answering (it has rotated the token, its answer
// is held) does not drop the answer: the new token reaches the store.
func TestStoreInterruptDuringExchangeKeepsToken(t *testing.T) {
	storeKinds(t, freshPool, func(t *testing.T, p *pool, newStore func(string) testStore) {
		in := p.SignIn(cognitotest.AppClient{Rotation: true})
		store := newStore(in.RefreshToken)
		data := storeProvider(t, p)
		release := make(chan struct{})
		p.InjectFault(cognitotest.Fault{Hold: release, AfterProcessing: true})
		ctx, cancel := context.WithCancel(context.Background())
		m := storeModel(in, store.cfg)
		done := make(chan diag.Diagnostics)
		go func() { done <- refreshTokens(ctx, data, m) }()
		waitForFaultTaken(t, p)
		cancel()
		close(release)
		if diags := <-done; diags.HasError() {
			t.Fatalf("the interrupted run lost Cognito's answer:\n%s", diagText(diags))
		}
		if got := m.NewRefreshToken.ValueString(); got == "" || store.value() != got {
			t.Fatal("the rotated token is not in the store")
		}
		refreshOK(t, data, storeModel(in, store.cfg))
	})
}

// With min_remaining_validity, a store keeps the whole token set: the next
// open returns it without calling Cognito while it lasts that long, and
// refreshes (and stores the new set) once it does not.
func TestStoreReusesTokenSet(t *testing.T) {
	storeKinds(t, freshPool, func(t *testing.T, p *pool, newStore func(string) testStore) {
		in := p.SignIn(cognitotest.AppClient{Rotation: true})
		store := newStore(in.RefreshToken)
		data := storeProvider(t, p)
		withMin := func(d string) *refreshedTokensModel {
			m := storeModel(in, store.cfg)
			m.MinRemainingValidity = types.StringValue(d)
			return m
		}
		first := withMin("10m")
		refreshOK(t, data, first)
		second := withMin("10m")
		refreshOK(t, data, second)
		if p.RequestCount() != 1 || second.AccessToken.ValueString() != first.AccessToken.ValueString() || !second.NewRefreshToken.IsNull() {
			t.Fatalf("Cognito saw %d requests; the second open must reuse the stored set", p.RequestCount())
		}
		if got := store.value(); got != first.NewRefreshToken.ValueString() {
			t.Error("the store does not hold the rotated refresh token")
		}
		if store.cfg.file == "" {
			return
		}
		// A set with 5 minutes left is refreshed, and the new set stored.
		var doc map[string]any
		raw, _ := os.ReadFile(store.cfg.file)
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("the store does not hold a token set document: %v", err)
		}
		doc["expires_at"] = time.Now().Add(5 * time.Minute).UTC().Format(time.RFC3339)
		raw, _ = json.Marshal(doc)
		if err := os.WriteFile(store.cfg.file, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		third := withMin("10m")
		refreshOK(t, data, third)
		if p.RequestCount() != 2 || third.NewRefreshToken.IsNull() || store.value() != third.NewRefreshToken.ValueString() {
			t.Errorf("a set about to expire must be refreshed and stored (Cognito saw %d requests)", p.RequestCount())
		}
	})
}

// Without min_remaining_validity a store reuses a set with half its
// lifetime left, and refreshes (and stores) one past half its life: here a
// set Cognito issued PastHalfLife ago by its iat claim.
func TestStoreDefaultReuseHalfLife(t *testing.T) {
	for _, c := range []struct {
		name     string
		pool     func(*testing.T) *pool
		requests int
	}{
		{"fresh set reused", freshPool, 1},
		{"set past half its life refreshed", agedPool, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			storeKinds(t, c.pool, func(t *testing.T, p *pool, newStore func(string) testStore) {
				in := p.SignIn(cognitotest.AppClient{Rotation: true})
				store := newStore(in.RefreshToken)
				data := storeProvider(t, p)
				first, second := storeModel(in, store.cfg), storeModel(in, store.cfg)
				refreshOK(t, data, first)
				if store.value() != first.NewRefreshToken.ValueString() {
					t.Fatal("the store does not hold the first rotated refresh token")
				}
				refreshOK(t, data, second)
				if got := p.RequestCount(); got != c.requests {
					t.Fatalf("Cognito saw %d requests for two opens, want %d", got, c.requests)
				}
				last := first
				if c.requests == 2 {
					last = second
				} else if second.AccessToken.ValueString() != first.AccessToken.ValueString() || !second.NewRefreshToken.IsNull() {
					t.Error("the second open must return the stored set, without a rotation")
				}
				if got := store.value(); got == "" || got != last.NewRefreshToken.ValueString() {
					t.Error("the store does not hold the last rotated refresh token")
				}
				if got := store.writes(); got != c.requests {
					t.Errorf("the store was written %d times for %d rotations", got, c.requests)
				}
			})
		})
	}
}

// Tokens that cannot last min_remaining_validity fail, naming the app
// client's access-token validity; nothing else is returned.
func TestMinRemainingValidityTooLong(t *testing.T) {
	p := freshPool(t)
	in := p.SignIn(cognitotest.AppClient{})
	m := faultModel(in)
	m.MinRemainingValidity = types.StringValue("2h")
	diags := refreshTokens(context.Background(), storeProvider(t, p), m)
	if !diags.HasError() || !strings.Contains(diagText(diags), "AccessTokenValidity") || !strings.Contains(diagText(diags), "3600 seconds") {
		t.Fatalf("want a validity error:\n%s", diagText(diags))
	}
	outputsUnset(t, m)
}

// Cognito rotates, then the connection drops before its answer arrives:
// the retry presents the spent token. With a grace period it is accepted
// and the retry's rotated token is stored; with 0 nothing can recover it,
// and the diagnostic says so and names the grace period that would.
func TestStoreLostAnswerNeedsGracePeriod(t *testing.T) {
	storeKinds(t, freshPool, func(t *testing.T, p *pool, newStore func(string) testStore) {
		in := p.SignIn(cognitotest.AppClient{Rotation: true, GracePeriod: 60 * time.Second})
		store := newStore(in.RefreshToken)
		p.InjectFault(cognitotest.Fault{ResetConnection: true, AfterProcessing: true})
		m := storeModel(in, store.cfg)
		refreshOK(t, storeProvider(t, p), m)
		if p.RequestCount() != 2 || store.value() != m.NewRefreshToken.ValueString() {
			t.Errorf("the retry's token is not stored (Cognito saw %d requests)", p.RequestCount())
		}
	})
	p := freshPool(t)
	in := p.SignIn(cognitotest.AppClient{Rotation: true})
	store := newFileStore(t, in.RefreshToken)
	p.InjectFault(cognitotest.Fault{ResetConnection: true, AfterProcessing: true})
	diags := refreshTokens(context.Background(), storeProvider(t, p), storeModel(in, store.cfg))
	text := diagText(diags)
	if !diags.HasError() || !strings.Contains(text, "A grace period of 0 cannot survive a lost answer") ||
		!strings.Contains(text, "RetryGracePeriodSeconds to 60") || !strings.Contains(text, "umask 077; printf") {
		t.Errorf("grace 0:\n%s", text)
	}
}

// A set's issue time is the request's, or the ID token's iat when Cognito's
// clock puts it earlier, so its lifetime is never taken shorter than it is.
func TestTokenSetIssueTime(t *testing.T) {
	request := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	idToken := func(claims string) string {
		return "e30." + base64.RawURLEncoding.EncodeToString([]byte(claims)) + ".c2ln"
	}
	for _, c := range []struct {
		name, id string
		want     time.Time
	}{
		{"iat earlier", idToken(`{"iat":1893495600,"exp":1893499200}`), time.Unix(1893495600, 0).UTC()},
		{"iat later", idToken(`{"iat":1893502800,"exp":1893506400}`), request},
		{"no iat", idToken(`{"exp":1893506400}`), request},
		{"not a JWT", "opaque", request},
	} {
		tokens := cognito.Tokens{AccessToken: "a", IDToken: c.id, ExpiresIn: 3600, ExpiresAt: request.Add(time.Hour)}
		if got := tokenSetOf(tokens).IssuedAt; !got.Equal(c.want) {
			t.Errorf("%s: IssuedAt %v, want %v", c.name, got, c.want)
		}
	}
}

// A reused set's expires_in is what is left of its life by the provider's
// clock, in whole seconds, and expires_at is the stored one.
func TestStoreReusedSetExpiresIn(t *testing.T) {
	storeKinds(t, freshPool, func(t *testing.T, p *pool, newStore func(string) testStore) {
		in := p.SignIn(cognitotest.AppClient{Rotation: true})
		store := newStore(in.RefreshToken)
		data := storeProvider(t, p)
		withMin := func() *refreshedTokensModel {
			m := storeModel(in, store.cfg)
			m.MinRemainingValidity = types.StringValue("10m")
			return m
		}
		first := withMin()
		refreshOK(t, data, first)
		expiresAt, err := time.Parse(time.RFC3339, first.ExpiresAt.ValueString())
		if err != nil {
			t.Fatal(err)
		}
		// The provider's clock 1234.5 seconds before the set expires.
		t.Cleanup(func() { now = time.Now })
		now = func() time.Time { return expiresAt.Add(-1234500 * time.Millisecond) }
		second := withMin()
		refreshOK(t, data, second)
		if p.RequestCount() != 1 || !second.NewRefreshToken.IsNull() {
			t.Fatalf("Cognito saw %d requests; the second open must reuse the stored set", p.RequestCount())
		}
		if got := second.ExpiresIn.ValueInt64(); got != 1234 {
			t.Errorf("expires_in %d, want 1234", got)
		}
		if got := second.ExpiresAt.ValueString(); got != first.ExpiresAt.ValueString() {
			t.Errorf("expires_at %s, want the stored %s", got, first.ExpiresAt.ValueString())
		}
	})
}
