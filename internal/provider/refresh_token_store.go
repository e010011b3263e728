package provider

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cognito-tokens/terraform-provider-cognito/internal/awsenv"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/cognito"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/redact"
	"github.com/cognito-tokens/terraform-provider-cognito/internal/tokenstore"
)

// Names of the refresh-token store's attributes.
const (
	storeAttribute    = "refresh_token_store"
	storeSecretIDAttr = "secretsmanager_secret_id"
	storeFileAttr     = "file"
)

// The store's details (locking, IAM, quota, credentials) are in the rotation
// guide's "Store reference"; the descriptions stay one or two sentences.
const storeDescription = "Where the provider keeps a rotating refresh token, instead of `refresh_token` (set exactly one): each open or read takes the token, " +
	"exchanges it and writes the rotated one back before returning. Seed it once with a sign-in's refresh token; " +
	"see the [rotation guide](../guides/refresh-token-rotation.md#store-reference)."

const storeSecretIDDescription = "Name or ARN of an AWS Secrets Manager secret whose current version holds the refresh token, read and written with the AWS SDK's default credentials (for the store only). " +
	"At most 90 rotations a day per secret; IAM policy and details in the [store reference](../guides/refresh-token-rotation.md#the-secrets-manager-store)."

const storeFileDescription = "Path of a file holding the refresh token, locked while in use and replaced atomically (mode 0600) after a rotation; " +
	"a relative path is relative to the working directory, so prefer `\"${path.root}/...\"`. Details in the [store reference](../guides/refresh-token-rotation.md#the-file-store)."

// minValidityAttr is how long returned tokens must last; with a store it
// also decides when a stored token set is reused.
const minValidityAttr = "min_remaining_validity"

// maxMinValidity is Cognito's longest access-token validity (1 day, the app
// client's AccessTokenValidity range): no token could last longer.
const maxMinValidity = 24 * time.Hour

const minValidityDescription = "How long the returned tokens must stay valid, as a duration such as `\"10m\"`; tokens that would expire sooner fail with an error. " +
	"With `refresh_token_store`, an open or read whose stored token set lasts this long returns it without calling Cognito; without this attribute, a stored set with at least half its lifetime left is returned."

// now is the provider's clock, a seam for tests of token reuse.
var now = time.Now

// storeValidators are the validators of the refresh_token_store object:
// exactly one of refresh_token and refresh_token_store.
func storeValidators() []validator.Object {
	return []validator.Object{withAdvice{
		object: objectvalidator.ExactlyOneOf(path.MatchRoot("refresh_token"), path.MatchRoot(storeAttribute)),
		advice: "Use `refresh_token` for a token you pass in, or `refresh_token_store` for a token the provider keeps current in a file or a Secrets Manager secret.",
	}}
}

func storeSecretIDValidators() []validator.String {
	return []validator.String{
		// Exactly one store kind; checked once, on this member.
		withAdvice{
			str:    stringvalidator.ExactlyOneOf(path.MatchRoot(storeAttribute).AtName(storeSecretIDAttr), path.MatchRoot(storeAttribute).AtName(storeFileAttr)),
			advice: "Use `file` for a file on this machine, or `secretsmanager_secret_id` for an AWS Secrets Manager secret.",
		},
		stringvalidator.LengthBetween(1, maxSecretIDLength),
		secretIDValidator{},
	}
}

func storeFileValidators() []validator.String {
	return []validator.String{filePathValidator{}}
}

// storeAttributeSpec declares refresh_token_store.
func storeAttributeSpec() attributeSpec {
	return attributeSpec{kind: inputObject, description: storeDescription, objectValidators: storeValidators(),
		attributes: map[string]attributeSpec{
			storeSecretIDAttr: {kind: inputString, description: storeSecretIDDescription, validators: storeSecretIDValidators()},
			storeFileAttr:     {kind: inputString, description: storeFileDescription, validators: storeFileValidators()},
		}}
}

// storeConfig is refresh_token_store as read from the configuration.
type storeConfig struct {
	secretID string
	file     string
}

// storeFrom reads refresh_token_store; ok is false when it is not set.
func storeFrom(obj types.Object) (cfg storeConfig, ok bool) {
	if obj.IsNull() || obj.IsUnknown() {
		return cfg, false
	}
	attrs := obj.Attributes()
	if s, isString := attrs[storeSecretIDAttr].(types.String); isString {
		cfg.secretID = s.ValueString()
	}
	if s, isString := attrs[storeFileAttr].(types.String); isString {
		cfg.file = s.ValueString()
	}
	return cfg, true
}

// storePath is the path of the store attribute that is set.
func (c storeConfig) attributePath() path.Path {
	if c.file != "" {
		return path.Root(storeAttribute).AtName(storeFileAttr)
	}
	return path.Root(storeAttribute).AtName(storeSecretIDAttr)
}

// hasSurroundingSpace reports leading or trailing white space, which in a
// name or path is nearly always a copy-and-paste slip.
func hasSurroundingSpace(s string) bool { return strings.TrimSpace(s) != s }

// Shapes of a Secrets Manager SecretId (API reference, GetSecretValue and
// CreateSecret): a name of up to 512 of `A-Za-z0-9/_+=.@-`, or the secret's
// ARN; 2048 characters at most.
const maxSecretIDLength = 2048

// The name's length is checked apart from its pattern: `{1,512}` made the
// pattern's compilation most of this package's init at every start.
const maxSecretNameLength = 512

var (
	secretNamePattern = lazyPattern(`^[A-Za-z0-9/_+=.@-]+$`)
	secretARNPattern  = lazyPattern(`^arn:aws(-[a-z]+)*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$`)
)

// secretIDValidator accepts a secret name or ARN, never echoing the value.
type secretIDValidator struct{}

func (secretIDValidator) Description(context.Context) string {
	return "must be a Secrets Manager secret name (letters, digits and `/_+=.@-`, up to 512) or a secret ARN (`arn:aws:secretsmanager:<region>:<account>:secret:<name>`)"
}

func (v secretIDValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v secretIDValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	id := req.ConfigValue.ValueString()
	if strings.HasPrefix(id, "arn:") {
		if !secretARNPattern.MatchString(id) {
			resp.Diagnostics.AddAttributeError(req.Path, "Invalid secret ARN",
				fmt.Sprintf("The value of %s starts like an ARN but is not a Secrets Manager secret ARN: it %s. Check the partition, service, region, 12-digit account and `secret:` parts.", req.Path, v.Description(ctx)))
		}
		return
	}
	if len(id) > maxSecretNameLength || !secretNamePattern.MatchString(id) {
		addInvalidValue(resp, "Invalid secret name", req.Path, v.Description(ctx))
	}
}

// regionOfSecretARN is the region part of a secret ARN, "" for a name.
func regionOfSecretARN(id string) string {
	if !secretARNPattern.MatchString(id) {
		return ""
	}
	return strings.Split(id, ":")[3]
}

// filePathValidator accepts a path to a file: absolute, or relative to the
// working directory. It never echoes the value.
type filePathValidator struct{}

func (filePathValidator) Description(context.Context) string {
	return "must be the path of a file (absolute, or relative to the working directory), without a NUL byte, surrounding white space or a trailing `/`"
}

func (v filePathValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v filePathValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	p := req.ConfigValue.ValueString()
	base := filepath.Base(p)
	if strings.ContainsRune(p, 0) || hasSurroundingSpace(p) || strings.HasSuffix(p, "/") || strings.HasSuffix(p, string(filepath.Separator)) || base == "." || base == ".." {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid file path",
			fmt.Sprintf("The value of %s %s: it names the file the refresh token is kept in, not a directory.", req.Path, v.Description(ctx)))
	}
}

// storeCache keeps the stores of one provider configuration, built on first
// use: a Secrets Manager store loads the AWS configuration (shared files,
// credential chain) once, on its first request, and never in Configure.
type storeCache struct {
	mu     sync.Mutex
	stores map[storeKey]tokenstore.Store
}

type storeKey struct{ kind, id, region string }

// store returns the store cfg names; region is the resource's override.
func (d *providerData) store(cfg storeConfig, region string) tokenstore.Store {
	key := storeKey{kind: storeFileAttr, id: cfg.file}
	if cfg.file == "" {
		key = storeKey{kind: storeSecretIDAttr, id: cfg.secretID, region: d.storeRegion(cfg.secretID, region)}
	}
	d.stores.mu.Lock()
	defer d.stores.mu.Unlock()
	if s, ok := d.stores.stores[key]; ok {
		return s
	}
	var s tokenstore.Store
	if key.kind == storeFileAttr {
		s = tokenstore.NewFile(cfg.file)
	} else {
		// The process-wide HTTP client (one connection pool, AWS_CA_BUNDLE
		// already applied) and the provider's retry policy, from its env.
		s = tokenstore.NewSecretsManager(cfg.secretID, tokenstore.SecretsManagerOptions{Region: key.region, Env: d.env})
	}
	if d.stores.stores == nil {
		d.stores.stores = map[storeKey]tokenstore.Store{}
	}
	d.stores.stores[key] = s
	return s
}

// storeRegion is where a secret lives: an ARN's region, else the
// resource's region, else the provider's ("" leaves it to the SDK's chain,
// as for Cognito).
func (d *providerData) storeRegion(secretID, resourceRegion string) string {
	if r := regionOfSecretARN(secretID); r != "" {
		return r
	}
	if resourceRegion != "" {
		return resourceRegion
	}
	return d.region
}

// refreshThroughStore runs the store's cycle (read, exchange, write-back)
// for req, whose RefreshToken comes from the store. The returned context
// masks every token the cycle saw.
func refreshThroughStore(ctx context.Context, data *providerData, req cognito.Request, cfg storeConfig, minValidity time.Duration) (cognito.Tokens, context.Context, diag.Diagnostics) {
	var diags diag.Diagnostics
	if cfg.file == "" {
		if diags = refusePlaintextEnvironment(data.env, awsenv.SecretsManager, "Secrets Manager"); diags.HasError() {
			return cognito.Tokens{}, ctx, diags
		}
	}
	store := data.store(cfg, req.Region)
	// The provider's timeout bounds the whole cycle; the wait for another
	// run's write after a reuse answer is bounded by tokenstore.WinnerWait.
	cycleCtx, cancel := context.WithTimeout(ctx, data.client.Policy().Timeout)
	defer cancel()

	var tokens cognito.Tokens
	var seen []string
	exchange := func(ctx context.Context, refreshToken string) (tokenstore.TokenSet, error) {
		seen = append(seen, refreshToken)
		req.RefreshToken = refreshToken
		issued, err := data.client.Refresh(maskSecrets(ctx, req.Secrets()), req)
		if err != nil {
			return tokenstore.TokenSet{}, err
		}
		tokens = issued
		seen = append(seen, issued.NewRefreshToken)
		return tokenSetOf(issued), nil
	}
	// With min_remaining_validity a set that lasts that long is reused;
	// without it, a set with half its lifetime left (tokenstore.FreshAt).
	fresh := func(set tokenstore.TokenSet) bool { return set.FreshAt(now(), minValidity) }
	outcome, err := tokenstore.CycleSet(cycleCtx, store, exchange, isRefreshTokenReuse, fresh)
	if outcome.Reused {
		tokens = tokensOf(outcome.Set, now())
		seen = append(seen, outcome.Set.RefreshToken)
	}
	ctx = maskSecrets(ctx, redact.NonEmpty(append(seen, tokens.Secrets()...)...))
	logDebug(ctx, "Refresh-token store cycle", map[string]any{
		"store":      store.Name(),
		"rotated":    outcome.Rotated,
		"written":    outcome.Written,
		"lost_race":  outcome.LostRace,
		"reads":      outcome.Reads,
		"exchanges":  outcome.Exchanges,
		"reused":     outcome.Reused,
		"write_span": outcome.WriteSpan.String(),
	})
	if outcome.Exposed {
		addExposedStoreWarning(&diags, store.Name(), cfg)
	}
	if err != nil {
		logDebug(ctx, "Refresh-token store cycle failed", map[string]any{"error": causeText(err)})
		addStoreCycleError(&diags, err, store.Name(), cfg)
		return cognito.Tokens{}, ctx, diags
	}
	return tokens, ctx, diags
}

// tokenSetOf is what the store keeps of Cognito's answer. The set lives
// until the earlier of the access and ID tokens' expiries.
func tokenSetOf(t cognito.Tokens) tokenstore.TokenSet {
	return tokenstore.TokenSet{
		RefreshToken: t.NewRefreshToken, AccessToken: t.AccessToken, IDToken: t.IDToken, TokenType: t.TokenType,
		IssuedAt: tokensIssued(t), ExpiresAt: tokensExpiry(t),
	}
}

// tokensIssued is when the set was issued: the time of the request, or the
// ID token's iat claim (Cognito's clock) when earlier, so a set's lifetime
// is never taken shorter than Cognito made it.
func tokensIssued(t cognito.Tokens) time.Time {
	at := t.ExpiresAt.Add(-time.Duration(t.ExpiresIn) * time.Second)
	if iat, ok := jwtTime(t.IDToken, "iat"); ok && iat.Before(at) {
		at = iat
	}
	return at
}

// tokensOf returns a reused set as this open's tokens: no rotation, and
// expires_in is what is left of the access token's life.
func tokensOf(set tokenstore.TokenSet, at time.Time) cognito.Tokens {
	return cognito.Tokens{
		AccessToken: set.AccessToken, IDToken: set.IDToken, TokenType: set.TokenType,
		ExpiresAt: set.ExpiresAt, ExpiresIn: int64(set.ExpiresAt.Sub(at) / time.Second),
	}
}

// tokensExpiry is when the first of the access and ID tokens expires (the
// ID token's validity is its own: its exp claim).
func tokensExpiry(t cognito.Tokens) time.Time {
	at := t.ExpiresAt
	if exp, ok := jwtTime(t.IDToken, "exp"); ok && exp.Before(at) {
		at = exp
	}
	return at
}

// tokensLast is how long the tokens stay valid from at.
func tokensLast(t cognito.Tokens, at time.Time) time.Duration { return tokensExpiry(t).Sub(at) }

// jwtTime reads a JWT's time claim (exp, iat) without verifying it (the
// token comes straight from Cognito).
func jwtTime(token, claim string) (time.Time, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return time.Time{}, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return time.Time{}, false
	}
	dec := json.NewDecoder(strings.NewReader(string(payload)))
	dec.UseNumber()
	var all map[string]any
	if dec.Decode(&all) != nil {
		return time.Time{}, false
	}
	n, ok := all[claim].(json.Number)
	if !ok {
		return time.Time{}, false
	}
	secs, err := n.Int64()
	if err != nil || secs == 0 {
		return time.Time{}, false
	}
	return time.Unix(secs, 0).UTC(), true
}

// refreshTokenReuse is Cognito's answer to a refresh token that rotation
// already invalidated.
const refreshTokenReuse = "RefreshTokenReuseException"

func isRefreshTokenReuse(err error) bool {
	var e *cognito.Error
	return errors.As(err, &e) && e.Code == refreshTokenReuse
}

// withAdvice runs a framework validator and adds what to do to its
// diagnostics, which only state the rule.
type withAdvice struct {
	object validator.Object
	str    validator.String
	advice string
}

func (v withAdvice) Description(ctx context.Context) string {
	if v.object != nil {
		return v.object.Description(ctx)
	}
	return v.str.Description(ctx)
}

func (v withAdvice) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v withAdvice) ValidateObject(ctx context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	var inner validator.ObjectResponse
	v.object.ValidateObject(ctx, req, &inner)
	resp.Diagnostics.Append(v.advise(inner.Diagnostics)...)
}

func (v withAdvice) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	var inner validator.StringResponse
	v.str.ValidateString(ctx, req, &inner)
	resp.Diagnostics.Append(v.advise(inner.Diagnostics)...)
}

func (v withAdvice) advise(diags diag.Diagnostics) diag.Diagnostics {
	var out diag.Diagnostics
	for _, d := range diags {
		if withPath, ok := d.(diag.DiagnosticWithPath); ok && d.Severity() == diag.SeverityError {
			out.AddAttributeError(withPath.Path(), d.Summary(), strings.TrimSuffix(d.Detail(), ".")+". "+v.advice)
			continue
		}
		out.Append(d)
	}
	return out
}
