package main

import (
	"testing"
	"time"
)

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

func TestPairedRatio(t *testing.T) {
	xs := []coldStart{{cpu: 30}, {cpu: 100}, {cpu: 12}}
	ys := []coldStart{{cpu: 10}, {cpu: 50}, {cpu: 12}}
	if got := pairedRatio(xs, ys, func(c coldStart) time.Duration { return c.cpu }); got != 2 {
		t.Errorf("pairedRatio = %v, want the median of 3, 2 and 1", got)
	}
}
