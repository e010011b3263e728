package main

import "testing"

func TestCommonDirPrefix(t *testing.T) {
	for _, c := range []struct {
		paths []string
		want  string
	}{
		{[]string{"m/internal/a", "m/internal/ab"}, "m/internal/"},
		{[]string{"m/internal/a", "m/x"}, "m/"},
		{[]string{"m/internal/a"}, "m/internal/"},
		{[]string{"a", "b"}, ""},
	} {
		if got := commonDirPrefix(c.paths); got != c.want {
			t.Errorf("commonDirPrefix(%q) = %q, want %q", c.paths, got, c.want)
		}
	}
}
