package awsenv

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An AWS profile the SDK cannot use matters only when it is the sole
// source of the region.
func TestUnusableProfile(t *testing.T) {
	cases := []struct {
		name    string
		profile string // AWS_PROFILE ("" unset)
		file    string // the shared config file's content
		region  string
		envVar  string // AWS_REGION
		// wantIgnored: the environment is loaded and says why the files were
		// ignored; otherwise Load fails with a *ProfileError naming the
		// problem.
		wantIgnored bool
		wantText    string
	}{
		{name: "missing profile, region configured", profile: "nonexistent", file: "[default]\n", region: "eu-west-1", wantIgnored: true, wantText: "nonexistent"},
		{name: "missing profile, AWS_REGION", profile: "nonexistent", file: "[default]\n", envVar: "eusc-de-east-1", wantIgnored: true, wantText: "nonexistent"},
		{name: "broken file, region configured", file: "[default]\nmax_attempts = many\n", region: "eu-west-1", wantIgnored: true, wantText: "max_attempts"},
		{name: "missing profile, no region", profile: "nonexistent", file: "[default]\n", wantText: "nonexistent"},
		{name: "broken file, no region", file: "[default]\nmax_attempts = many\n", wantText: "max_attempts"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t, tc.file)
			for _, name := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
				t.Setenv(name, "")
				os.Unsetenv(name) //nolint:errcheck // t.Setenv restores it.
			}
			if tc.profile != "" {
				t.Setenv("AWS_PROFILE", tc.profile)
			}
			if tc.envVar != "" {
				t.Setenv("AWS_REGION", tc.envVar)
			}
			t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
			e, err := Load(context.Background(), Settings{Region: tc.region})
			if tc.wantIgnored {
				if err != nil {
					t.Fatalf("an unusable profile stopped an environment whose region is known: %v", err)
				}
				ignored := e.IgnoredProfileError()
				if ignored == nil || !strings.Contains(ignored.Error(), tc.wantText) {
					t.Errorf("ignored profile error %v, want one naming %q", ignored, tc.wantText)
				}
				if want := tc.region + tc.envVar; e.Region() != want {
					t.Errorf("region %q, want %q", e.Region(), want)
				}
				return
			}
			var profileErr *ProfileError
			if !errors.As(err, &profileErr) || !strings.Contains(err.Error(), tc.wantText) {
				t.Fatalf("got %v, want a *ProfileError naming %q", err, tc.wantText)
			}
		})
	}
}
