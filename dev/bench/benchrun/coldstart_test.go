package main

import (
	"testing"
	"time"
)

func TestParseInitTrace(t *testing.T) {
	text := "init internal/bytealg @0.008 ms, 0 ms clock, 0 bytes, 0 allocs\n" +
		"init runtime @0.10 ms, 0.50 ms clock, 16 bytes, 1 allocs\n" +
		"not a trace line\n" +
		"init github.com/x/y @10 ms, 2.5 ms clock, 1024 bytes, 12 allocs\n" +
		"This binary is a plugin.\n"
	trace := parseInitTrace(text)
	if len(trace.packages) != 3 {
		t.Fatalf("packages = %v, want 3", trace.packages)
	}
	want := packageInit{clock: 2500 * time.Microsecond, bytes: 1024, allocs: 12}
	if got := trace.packages["github.com/x/y"]; got != want {
		t.Errorf("github.com/x/y = %+v, want %+v", got, want)
	}
	if trace.done != 12500*time.Microsecond {
		t.Errorf("done = %v, want 12.5ms", trace.done)
	}
	if got := trace.total(func(pkg string) bool { return pkg != "runtime" }); got != 2500*time.Microsecond {
		t.Errorf("total without runtime = %v, want 2.5ms", got)
	}
}
