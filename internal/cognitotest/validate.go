package cognitotest

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// wireInput keeps null apart from "" as Cognito's validator does.
type wireInput struct {
	RefreshToken   *string
	ClientId       *string
	ClientSecret   *string
	DeviceKey      *string
	ClientMetadata map[string]string
	// GetClientToken's members.
	Secret *string
	Scopes []string
}

// GetTokensInput is the decoded request, as recorded: a
// GetTokensFromRefreshToken or a GetClientToken request.
type GetTokensInput struct {
	RefreshToken   string
	ClientId       string
	ClientSecret   string
	DeviceKey      string
	ClientMetadata map[string]string
	// Secret and Scopes are GetClientToken's.
	Secret string
	Scopes []string
}

func (w wireInput) flat() GetTokensInput {
	deref := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	return GetTokensInput{
		RefreshToken: deref(w.RefreshToken), ClientId: deref(w.ClientId),
		ClientSecret: deref(w.ClientSecret), DeviceKey: deref(w.DeviceKey),
		ClientMetadata: w.ClientMetadata,
		Secret:         deref(w.Secret), Scopes: w.Scopes,
	}
}

type fieldRule struct {
	name      string // the lowerCamel member name Coral reports
	value     *string
	required  bool
	sensitive bool // Coral leaves sensitive values out of the message
	min, max  int  // 0 = unchecked
	pattern   *regexp.Regexp
	patternS  string
}

var (
	tokenPattern  = regexp.MustCompile(`^[A-Za-z0-9\-_=.]+$`)
	clientPattern = regexp.MustCompile(`^[\w+]+$`)
	devicePattern = regexp.MustCompile(`^[\w-]+_[0-9a-f-]+$`)
	// ScopeType's pattern in the model (cognito-idp 2016-04-18).
	scopePattern = regexp.MustCompile(`^[\x21\x23-\x5B\x5D-\x7E]+$`)
)

// validate applies the model's constraints and words violations like Coral:
// "2 validation errors detected: Value null at 'clientId' failed to satisfy
// constraint: Member must not be null; ...".
func validate(in wireInput) *apiError {
	rules := []fieldRule{
		{name: "refreshToken", value: in.RefreshToken, required: true, sensitive: true, pattern: tokenPattern, patternS: `[A-Za-z0-9-_=.]+`},
		{name: "clientId", value: in.ClientId, required: true, sensitive: true, min: 1, max: 128, pattern: clientPattern, patternS: `[\w+]+`},
		{name: "clientSecret", value: in.ClientSecret, sensitive: true, min: 24, max: 64, pattern: clientPattern, patternS: `[\w+]+`},
		{name: "deviceKey", value: in.DeviceKey, min: 1, max: 55, pattern: devicePattern, patternS: `[\w-]+_[0-9a-f-]+`},
	}
	return validationError(rules)
}

// validateClientToken applies GetClientTokenRequest's model constraints:
// ClientId and Secret (ClientSecretType) are required; each scope is a
// ScopeType (1-256, scopePattern), at most 50 (ScopeListType).
func validateClientToken(in wireInput) *apiError {
	rules := []fieldRule{
		{name: "clientId", value: in.ClientId, required: true, sensitive: true, min: 1, max: 128, pattern: clientPattern, patternS: `[\w+]+`},
		{name: "secret", value: in.Secret, required: true, sensitive: true, min: 24, max: 64, pattern: clientPattern, patternS: `[\w+]+`},
	}
	for i := range in.Scopes {
		rules = append(rules, fieldRule{name: fmt.Sprintf("scopes.%d.member", i+1), value: &in.Scopes[i], min: 1, max: 256,
			pattern: scopePattern, patternS: `[\x21\x23-\x5B\x5D-\x7E]+`})
	}
	if len(in.Scopes) > 50 {
		return newErr(ErrInvalidParameter, "1 validation error detected: Value at 'scopes' failed to satisfy constraint: Member must have length less than or equal to 50")
	}
	return validationError(rules)
}

func validationError(rules []fieldRule) *apiError {
	var problems []string
	for _, r := range rules {
		problems = append(problems, r.check()...)
	}
	switch len(problems) {
	case 0:
		return nil
	case 1:
		return newErr(ErrInvalidParameter, "1 validation error detected: "+problems[0])
	default:
		return newErr(ErrInvalidParameter, fmt.Sprintf("%d validation errors detected: %s", len(problems), strings.Join(problems, "; ")))
	}
}

func (r fieldRule) check() []string {
	if r.value == nil {
		if r.required {
			return []string{fmt.Sprintf("Value null at '%s' failed to satisfy constraint: Member must not be null", r.name)}
		}
		return nil
	}
	v := *r.value
	subject := fmt.Sprintf("Value at '%s'", r.name)
	if !r.sensitive {
		subject = fmt.Sprintf("Value '%s' at '%s'", v, r.name)
	}
	fail := func(c string) string { return subject + " failed to satisfy constraint: " + c }
	var out []string
	n := utf8.RuneCountInString(v)
	if r.min > 0 && n < r.min {
		out = append(out, fail(fmt.Sprintf("Member must have length greater than or equal to %d", r.min)))
	}
	if r.max > 0 && n > r.max {
		out = append(out, fail(fmt.Sprintf("Member must have length less than or equal to %d", r.max)))
	}
	if !r.pattern.MatchString(v) {
		out = append(out, fail("Member must satisfy regular expression pattern: "+r.patternS))
	}
	return out
}
