package awsenv

import (
	"errors"
	"fmt"
	"testing"
)

func TestIsCredentialsError(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("operation error: %w", errors.New("get identity: no EC2 IMDS role found")), true},
		{errors.New("failed to refresh cached credentials, no providers"), true},
		{errors.New("https response error StatusCode: 400, AccessDeniedException"), false},
		{errors.New("an error saying get identity: later in the text"), false},
		{nil, false},
	} {
		if got := IsCredentialsError(c.err); got != c.want {
			t.Errorf("IsCredentialsError(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
